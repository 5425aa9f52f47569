using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <summary>A user's own request log, filtered and sorted in the database. Never another user's rows.</summary>
public interface IRequestLogQueries
{
    Task<LogPage> PageAsync(string userId, LogFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Every matching row, streamed (CSV export).</summary>
    IAsyncEnumerable<RequestLogRecord> StreamAsync(string userId, LogFilter filter, CancellationToken cancellationToken);

    /// <summary>The model ids that appear in the user's log, for the filter's choices.</summary>
    Task<IReadOnlyList<string>> ModelsAsync(string userId, CancellationToken cancellationToken);
}
