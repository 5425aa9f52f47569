namespace TokenPortal.Core.Configuration;

/// <summary>What stops one person from farming sign-ups and their credit (<c>TokenPortal:Signup</c>).</summary>
public sealed class SignupOptions
{
    /// <summary>Sign-ups one client address may make per hour.</summary>
    public int MaxPerAddressPerHour { get; set; } = 5;

    /// <summary>Log-in attempts one client address may make per hour, counted apart from sign-ups.</summary>
    public int MaxLoginsPerAddressPerHour { get; set; } = 60;

    /// <summary>When a new account gets <c>SignupCreditUsd</c>.</summary>
    public SignupCreditRequirement CreditRequires { get; set; } = SignupCreditRequirement.None;
}
