using Microsoft.Extensions.Options;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Refuses at start a Stripe configuration that could not charge what it offers.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var errors = new List<string>();
        if (!WholeCents(options.MinTopUpUsd) || options.MinTopUpUsd <= 0)
            errors.Add("TokenPortal:Stripe:MinTopUpUsd must be a positive whole number of cents.");
        if (!WholeCents(options.MaxTopUpUsd) || options.MaxTopUpUsd < options.MinTopUpUsd)
            errors.Add("TokenPortal:Stripe:MaxTopUpUsd must be whole cents and at least MinTopUpUsd.");
        foreach (var preset in options.PresetAmountsUsd.Where(p => !WholeCents(p) || p < options.MinTopUpUsd || p > options.MaxTopUpUsd))
            errors.Add($"TokenPortal:Stripe:PresetAmountsUsd has {preset}, which is not whole cents between MinTopUpUsd and MaxTopUpUsd.");
        foreach (var pack in options.Packs)
        {
            if (string.IsNullOrWhiteSpace(pack.Name))
                errors.Add("Every TokenPortal:Stripe:Packs entry needs a Name.");
            if (!WholeCents(pack.PriceUsd) || pack.PriceUsd <= 0)
                errors.Add($"Pack '{pack.Name}': PriceUsd must be a positive whole number of cents.");
            if (pack.CreditUsd is { } credit && (!MicroUsd.TryFromUsd(credit, out var micros) || micros <= 0))
                errors.Add($"Pack '{pack.Name}': CreditUsd must be positive and no finer than a micro-USD.");
        }
        if (options.Packs.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            errors.Add("TokenPortal:Stripe:Packs names must be unique.");
        // Every conversion is USD cents to micro-USD; another currency would credit the wrong amount.
        if (!string.Equals(options.Currency, "usd", StringComparison.OrdinalIgnoreCase))
            errors.Add("TokenPortal:Stripe:Currency must be usd: balances are kept in micro-USD.");
        if (options.ReloadRetryAfterSeconds <= 0)
            errors.Add("TokenPortal:Stripe:ReloadRetryAfterSeconds must be positive.");
        if (options.SignatureToleranceSeconds <= 0)
            errors.Add("TokenPortal:Stripe:SignatureToleranceSeconds must be positive.");
        if (!string.IsNullOrWhiteSpace(options.SecretKey) && string.IsNullOrWhiteSpace(options.WebhookSecret))
            errors.Add("TokenPortal:Stripe:WebhookSecret is required with a SecretKey: without it no payment could be credited.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool WholeCents(decimal usd) =>
        MicroUsd.TryFromUsd(usd, out var micros) && StripeAmounts.TryToCents(micros, out _);
}
