namespace TokenPortal.Core.Admin;

/// <summary>How often one error came back: its code when the gateway named one, else its HTTP status.</summary>
public sealed record ErrorCount(string Error, long Count);
