namespace TokenPortal.Core.Routing;

/// <summary>A provider key the upstream refused, as the admin sees it: only its last characters.</summary>
public sealed record RefusedKey(string Hint, int Status, DateTimeOffset At);
