namespace TokenPortal.Core.Configuration;

/// <summary>What an answer whose usage the provider did not report (in whole or in part) is billed.</summary>
public enum UnreportedUsage
{
    /// <summary>The counts the provider left out are counted locally and billed: a 200 is never free.</summary>
    Estimate,

    /// <summary>Only what the provider reported is billed; the log row still records the estimate.</summary>
    Free,
}
