using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

public sealed record LogPage(IReadOnlyList<RequestLogRecord> Rows, int TotalCount);
