using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Providers;
using TokenPortal.Core.RateLimiting;
using TokenPortal.Core.RateLimiting.Redis;
using TokenPortal.Core.Routing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core;

public static class TokenPortalCoreServiceCollectionExtensions
{
    /// <summary>The domain and the gateway engine: database, ledger, keys, catalog, providers, request log.</summary>
    public static IServiceCollection AddTokenPortalCore(this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddOptions<TokenPortalOptions>().Bind(configuration.GetSection(TokenPortalOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenPortalOptions>, TokenPortalOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SiteSettings>();
        services.AddSingleton<IPostConfigureOptions<TokenPortalOptions>>(sp => sp.GetRequiredService<SiteSettings>());
        services.AddSingleton<IOptionsChangeTokenSource<TokenPortalOptions>>(sp => sp.GetRequiredService<SiteSettings>());

        var database = configuration.GetSection($"{TokenPortalOptions.SectionName}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = database.Provider == DatabaseProvider.Sqlite
            ? SqliteConnectionString.Resolve(database.ConnectionString, baseDirectory)
            : database.ConnectionString;
        services.AddPooledDbContextFactory<TokenPortalDbContext>(db => db.Use(database.Provider, connectionString).UseCompiledModel(database.Provider));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TokenPortalDbContext>>().CreateDbContext());
        var sqliteFile = database.Provider == DatabaseProvider.Sqlite ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource : null;
        var redis = configuration.GetSection($"{TokenPortalOptions.SectionName}:Redis").Get<RedisOptions>();
        if (!string.IsNullOrWhiteSpace(redis?.Configuration))
        {
            services.AddSingleton(sp => new RedisConnection(redis, sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddSingleton<RedisChangeFeed>();
        }
        services.AddSingleton(sp =>
        {
            var stamp = new ChangeStamp(ChangeStamp.PathFor(sqliteFile, baseDirectory));
            if (sp.GetService<RedisChangeFeed>() is { } feed)
                stamp.Published += feed.Announce;
            return stamp;
        });
        services.AddSingleton<CachedStateRefresher>();
        services.AddSingleton(new DatabaseWriteGate(serializeWrites: database.Provider == DatabaseProvider.Sqlite));
        services.AddSingleton<DatabaseInitializer>();
        // One key ring for every process on the database (cookies, antiforgery, provider keys at rest): the name is fixed,
        // not derived from the folder the binary runs from.
        services.AddDataProtection().SetApplicationName("TokenPortal").PersistKeysToDbContext<TokenPortalDbContext>();
        services.AddSingleton<ProviderKeyProtector>();
        services.AddSingleton<SiteSecret>();

        services.AddIdentityCore<PortalUser>(PortalIdentityOptions.Configure)
            .AddUserValidator<EmailLengthValidator>()
            .AddEntityFrameworkStores<TokenPortalDbContext>();
        services.AddScoped<IAccountService, AccountService>();

        services.AddSingleton(new ServerInstance(configuration.GetSection($"{TokenPortalOptions.SectionName}:Instances").Get<InstancesOptions>() ?? new()));
        services.AddSingleton<ReservationBook>();
        services.AddSingleton<ServerRegistry>();
        services.AddMetrics();
        services.AddSingleton<Telemetry.TokenPortalMetrics>();
        services.AddHostedService<Telemetry.StateGauges>();
        services.AddSingleton<LedgerWriter>();
        services.AddSingleton<ILedger, Ledger>();
        services.AddSingleton<IModelCatalog, ModelCatalog>();
        services.AddSingleton<IApiKeyAuthenticator, ApiKeyAuthenticator>();
        services.AddSingleton<ApiKeySpecRules>();
        services.AddSingleton<IApiKeyService, ApiKeyService>();
        services.AddSingleton<IApiKeyEditor, ApiKeyEditor>();
        services.AddSingleton<IUsageReports, UsageReports>();
        services.AddSingleton<PasskeyUses>();
        services.AddSingleton<IRequestLogQueries, RequestLogQueries>();
        services.AddSingleton<ILedgerHistory, LedgerHistory>();
        services.AddSingleton<LedgerAudit>();
        services.AddSingleton<DatabaseCopier>();
        services.AddSingleton<DatabaseBackup>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddScoped<IUserAdministration, UserAdministration>();
        services.AddSingleton<ICatalogAdministration, CatalogAdministration>();
        services.AddSingleton<Admin.Import.ICatalogImporter, Admin.Import.CatalogImporter>();
        services.AddSingleton<ISiteOverviewReports, SiteOverviewReports>();
        return services;
    }

    /// <summary>Stripe top-ups, webhooks and auto-reload; all inert until <c>TokenPortal:Stripe</c> has its keys.</summary>
    private static IServiceCollection AddTokenPortalStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
        services.AddHttpClient<StripeApi>(http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<AutoReloader>();
        services.AddSingleton<IAutoReloadTrigger>(sp => sp.GetRequiredService<AutoReloader>());
        services.AddHostedService(sp => sp.GetRequiredService<AutoReloader>());
        services.AddSingleton<StripeWebhookHandler>();
        services.AddSingleton<IStripeBilling, StripeBilling>();
        return services;
    }

    /// <summary>What only the server needs: the request path, the log writer and start-up recovery.</summary>
    public static IServiceCollection AddTokenPortalGateway(this IServiceCollection services)
    {
        services.AddSingleton<Metering.LostLogRows>();
        services.AddHostedService<DatabaseInitializationService>();
        services.AddHostedService<LeaseKeeper>();
        services.AddHostedService<WalCheckpointService>();
        services.AddSingleton<RequestLogWriter>();
        services.AddSingleton<IRequestLogSink>(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());

        services.AddSingleton<TokenCounter>();
        services.AddSingleton<SafetyIdentifiers>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<IProviderAdapters, ProviderAdapters>();
        services.AddSingleton<RequestBilling>();
        // In memory for one instance; in Redis, shared by all, when the site has one (falling back per Redis:WhenDown).
        services.AddSingleton<GcraRateLimiter>();
        services.AddSingleton<InMemoryConcurrencyLimiter>();
        services.AddSingleton<IRateLimiter>(sp => sp.GetService<RedisConnection>() is null
            ? sp.GetRequiredService<GcraRateLimiter>() : ActivatorUtilities.CreateInstance<RedisGcraRateLimiter>(sp));
        services.AddSingleton<IConcurrencyLimiter>(sp => sp.GetService<RedisConnection>() is null
            ? sp.GetRequiredService<InMemoryConcurrencyLimiter>() : ActivatorUtilities.CreateInstance<RedisConcurrencyLimiter>(sp));
        services.AddHostedService<RedisChangeFeed.Listener>();
        services.AddSingleton<UsageLimits>();
        services.AddTokenPortalStripe();
        services.AddSingleton<UpstreamThrottle>();
        services.AddSingleton<WholeReplyRelay>();
        services.TryAddSingleton<ChannelRouter>(_ => new ChannelRouter());
        services.AddSingleton<RoutingHealth>();
        services.AddSingleton<StreamRelay>();
        services.AddSingleton<GatewayHandler>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<MessagesEndpoint>();
        services.AddSingleton<ResponsesEndpoint>();
        return services;
    }
}
