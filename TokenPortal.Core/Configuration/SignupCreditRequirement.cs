namespace TokenPortal.Core.Configuration;

/// <summary>What a new account must do before its signup credit is granted (once).</summary>
public enum SignupCreditRequirement
{
    /// <summary>Nothing: the credit comes with the account.</summary>
    None,

    /// <summary>Sign in with GitHub or Discord (at sign-up, or by linking one later): a real account elsewhere.</summary>
    ExternalLogin,

    /// <summary>Pay once through Stripe: the credit comes with the first top-up.</summary>
    FirstPayment,
}
