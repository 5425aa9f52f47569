namespace TokenPortal.Core.Billing;

/// <summary>Why a reservation was refused.</summary>
public enum ReserveRefusal
{
    None,
    Balance,
    KeyBudget,
}
