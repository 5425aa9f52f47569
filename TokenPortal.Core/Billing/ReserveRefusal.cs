namespace TokenPortal.Core.Billing;

/// <summary>Why a hold was refused.</summary>
public enum ReserveRefusal
{
    None,
    Balance,
    KeyBudget,
}
