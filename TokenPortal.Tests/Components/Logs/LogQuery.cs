using TokenPortal.Core.Usage;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>One page the Logs page asked for.</summary>
internal sealed record LogQuery(string UserId, LogFilter Filter, int Skip, int Take);
