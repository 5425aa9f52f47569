namespace TokenPortal.Core.Configuration;

/// <summary>The <c>TokenPortal</c> configuration section (DESIGN.md, "Configuration contract").</summary>
public sealed class TokenPortalOptions
{
    public const string SectionName = "TokenPortal";

    public DatabaseOptions Database { get; set; } = new();

    public RedisOptions Redis { get; set; } = new();

    public InstancesOptions Instances { get; set; } = new();

    /// <summary>Multiplies every provider list price; 0.5 sells at half price.</summary>
    public decimal PriceMultiplier { get; set; } = 1.0m;

    /// <summary>Granted once to every new user, through the ledger.</summary>
    public decimal SignupCreditUsd { get; set; } = 1.0m;

    public SignupOptions Signup { get; set; } = new();

    /// <summary>
    /// The site's public address when it runs behind a reverse proxy, e.g. <c>https://portal.example.com</c>: OAuth
    /// callbacks, Stripe return URLs and the API address shown to users are built from it, and an https address makes
    /// cookies <c>Secure</c> and turns on HSTS. Null: the address each request arrived at.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>Request bodies above this size are refused with 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    public ServerOptions Server { get; set; } = new();

    public List<ProviderOptions> Providers { get; set; } = [];

    public List<ModelOptions> Models { get; set; } = [];

    public RoutingOptions Routing { get; set; } = new();

    public GatewayDefaultsOptions Defaults { get; set; } = new();

    public GlobalLimitsOptions GlobalLimits { get; set; } = new();

    public BillingOptions Billing { get; set; } = new();

    public OperationsOptions Operations { get; set; } = new();
}
