namespace TokenPortal.Core.Admin;

/// <summary>The requests one provider served or failed (the last channel tried), and its commonest errors.</summary>
public sealed record ProviderOutcomes(string Provider, long Requests, long Errors, IReadOnlyList<ErrorCount> TopErrors)
{
    /// <summary>The name under which requests that never reached a provider (unknown model, malformed body) are counted.</summary>
    public const string NoProvider = "(none: refused before routing)";

    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}
