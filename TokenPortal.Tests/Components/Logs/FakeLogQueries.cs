using System.Runtime.CompilerServices;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>The Logs page's queries: answers with <see cref="Rows"/> and records what each load asked for.</summary>
internal sealed class FakeLogQueries : IRequestLogQueries
{
    private readonly List<LogQuery> _requests = [];

    public IReadOnlyList<LogQuery> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    public LogQuery Last => Requests[^1];

    public IReadOnlyList<RequestLogRecord> Rows { get; set; } = [];

    /// <summary>The total the grid pages over; the row count when null.</summary>
    public int? TotalCount { get; set; }

    public Task<LogPage> PageAsync(string userId, LogFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        lock (_requests)
            _requests.Add(new LogQuery(userId, filter, skip, take));
        return Task.FromResult(new LogPage(Rows, TotalCount ?? Rows.Count));
    }

    public async IAsyncEnumerable<RequestLogRecord> StreamAsync(string userId, LogFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var row in Rows)
            yield return row;
    }

    public Task<IReadOnlyList<string>> ModelsAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["claude-x", "gpt-test"]);
}
