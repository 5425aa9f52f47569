namespace TokenPortal.Core.Billing;

/// <summary>Which counts of a request's usage the provider reported; the rest were counted locally.</summary>
[Flags]
public enum UsageParts
{
    None = 0,
    Prompt = 1,
    Completion = 2,
    Both = Prompt | Completion,
}
