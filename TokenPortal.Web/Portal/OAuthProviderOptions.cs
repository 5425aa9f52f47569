namespace TokenPortal.Web.Portal;

/// <summary>
/// <c>TokenPortal:GitHub</c> or <c>TokenPortal:Discord</c>. The sign-in button shows only when both the
/// client id and secret are set. The endpoints default to the provider's own; tests point them at a fake.
/// </summary>
public sealed class OAuthProviderOptions
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? AuthorizationEndpoint { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? UserInformationEndpoint { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
