using Microsoft.Extensions.Options;

namespace TokenPortal.Core.Configuration;

/// <summary>Refuses to start on a configuration that would misprice or misroute requests.</summary>
internal sealed class TokenPortalOptionsValidator : IValidateOptions<TokenPortalOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenPortalOptions options)
    {
        var failures = new List<string>();
        if (options.PriceMultiplier <= 0)
            failures.Add("TokenPortal:PriceMultiplier must be greater than 0.");
        if (options.SignupCreditUsd < 0)
            failures.Add("TokenPortal:SignupCreditUsd cannot be negative.");
        if (options.Signup.MaxPerAddressPerHour <= 0 || options.Signup.MaxLoginsPerAddressPerHour <= 0)
            failures.Add("TokenPortal:Signup limits must be positive.");
        if (!Enum.IsDefined(options.Signup.CreditRequires))
            failures.Add("TokenPortal:Signup:CreditRequires must be None, ExternalLogin or FirstPayment.");
        if (options.PublicBaseUrl is { } publicBase && (!Uri.TryCreate(publicBase, UriKind.Absolute, out var publicUri) || publicUri.Scheme is not ("http" or "https")
                || publicUri.AbsolutePath != "/" || publicUri.Query.Length > 0 || publicUri.Fragment.Length > 0))
            failures.Add("TokenPortal:PublicBaseUrl must be the site's http(s) origin, without a path, e.g. https://portal.example.com.");
        if (options.ForwardedHeaders.KnownProxies.Any(p => !System.Net.IPAddress.TryParse(p, out _)))
            failures.Add("TokenPortal:ForwardedHeaders:KnownProxies must be IP addresses.");
        if (options.ForwardedHeaders.KnownNetworks.Any(n => !System.Net.IPNetwork.TryParse(n, out _)))
            failures.Add("TokenPortal:ForwardedHeaders:KnownNetworks must be CIDR networks, e.g. 10.0.0.0/8.");
        if (options.Instances.HeartbeatSeconds <= 0 || options.Instances.DeadlineSeconds < 4 * options.Instances.HeartbeatSeconds)
            failures.Add("TokenPortal:Instances:HeartbeatSeconds must be positive and DeadlineSeconds at least four heartbeats.");
        if (options.Redis.InFlightSlotSeconds < 3 || !Enum.IsDefined(options.Redis.WhenDown))
            failures.Add("TokenPortal:Redis:InFlightSlotSeconds must be at least 3 and WhenDown Refuse or PerInstance.");
        if (options.MaxRequestBodyBytes <= 0)
            failures.Add("TokenPortal:MaxRequestBodyBytes must be greater than 0.");
        if (options.Server.MaxConcurrentConnections is <= 0 || options.Server.MinRequestBodyBytesPerSecond <= 0 || options.Server.RequestBodyTimeoutSeconds <= 0)
            failures.Add("TokenPortal:Server limits must be positive (MaxConcurrentConnections may be null for no limit).");
        if (options.Defaults.UserMaxConcurrent <= 0 || options.Defaults.KeyRpm is <= 0 || options.Defaults.KeyTpm is <= 0)
            failures.Add("TokenPortal:Defaults limits must be positive (or null for no limit).");
        if (options.GlobalLimits.UpstreamRpm is <= 0 || options.GlobalLimits.UpstreamMaxWaitMilliseconds < 0)
            failures.Add("TokenPortal:GlobalLimits:UpstreamRpm must be positive and UpstreamMaxWaitMilliseconds not negative.");
        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
            failures.Add("TokenPortal:Database:ConnectionString is required.");

        var providerNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in options.Providers)
        {
            if (string.IsNullOrWhiteSpace(provider.Name))
                failures.Add("Every TokenPortal:Providers entry needs a Name.");
            else if (!providerNames.Add(provider.Name))
                failures.Add($"Provider '{provider.Name}' is listed twice.");
            if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                failures.Add($"Provider '{provider.Name}' needs an absolute http(s) BaseUrl.");
            if (provider.UpstreamRpm is <= 0)
                failures.Add($"Provider '{provider.Name}' needs a positive UpstreamRpm (or none).");
            if (provider.TimeoutSeconds <= 0)
                failures.Add($"Provider '{provider.Name}' needs a positive TimeoutSeconds.");
        }

        var modelNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in options.Models)
        {
            if (string.IsNullOrWhiteSpace(model.Id))
                failures.Add("Every TokenPortal:Models entry needs an Id.");
            foreach (var alias in model.Aliases.Prepend(model.Id))
            {
                if (!modelNames.Add(alias))
                    failures.Add($"Model id or alias '{alias}' is used twice.");
            }
            if (model.Channels.Count > 0 && !string.IsNullOrEmpty(model.Provider))
                failures.Add($"Model '{model.Id}' gives both a Provider and Channels; list its provider as one of the channels.");
            foreach (var channel in model.EffectiveChannels)
            {
                if (!providerNames.Contains(channel.Provider))
                    failures.Add($"Model '{model.Id}' names provider '{channel.Provider}', which is not configured.");
                if (channel.Weight <= 0)
                    failures.Add($"A channel of model '{model.Id}' needs a positive Weight.");
            }
            if (model.EffectiveChannels.GroupBy(c => (c.Provider.ToUpperInvariant(), c.UpstreamModel ?? model.Id)).Any(g => g.Count() > 1))
                failures.Add($"Model '{model.Id}' lists the same provider and upstream model twice.");
            if (model.InputPerMillionUsd < 0 || model.OutputPerMillionUsd < 0 || model.CachedInputPerMillionUsd < 0
                || model.CacheWritePerMillionUsd < 0 || model.CacheWrite1hPerMillionUsd < 0)
                failures.Add($"Model '{model.Id}' has a negative price.");
            if (model.ContextLength <= 0)
                failures.Add($"Model '{model.Id}' needs a positive ContextLength, or none.");
            if ((Catalog.Modalities.Problem(model.InputModalities, Catalog.Modalities.KnownInputs, "input")
                 ?? Catalog.Modalities.Problem(model.OutputModalities, Catalog.Modalities.KnownOutputs, "output")) is { } modalities)
                failures.Add($"Model '{model.Id}': {modalities}");
            if (model.MaxOutputTokens <= 0)
                failures.Add($"Model '{model.Id}' needs a positive MaxOutputTokens.");
        }

        var routing = options.Routing;
        if (routing.MaxAttempts <= 0 || routing.FailuresToCooldown <= 0 || routing.CooldownSeconds < 0)
            failures.Add("TokenPortal:Routing needs a positive MaxAttempts and FailuresToCooldown, and a CooldownSeconds of 0 or more.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
