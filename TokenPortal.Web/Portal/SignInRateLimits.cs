using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Portal;

/// <summary>
/// Sign-ups and log-in attempts per client address (<c>Signup:MaxPerAddressPerHour</c>, <c>MaxLoginsPerAddressPerHour</c>),
/// each with its own sliding window: a script cannot farm accounts and their credit, or guess passwords, from one address.
/// Only the form posts that create an account or check a credential count; every other request passes untouched.
/// </summary>
internal static class SignInRateLimits
{
    private static readonly string[] SignUpPaths = ["/Account/Register", "/Account/ExternalLogin"];
    private static readonly string[] LogInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/PerformExternalLogin"];

    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<TokenPortalOptions>>((limiter, site) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, site.CurrentValue.Signup));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, SignupOptions signup)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
            return RateLimitPartition.GetNoLimiter("");
        var path = context.Request.Path.Value ?? "";
        var (kind, limit) = SignUpPaths.Contains(path, StringComparer.OrdinalIgnoreCase) ? ("sign-up", signup.MaxPerAddressPerHour)
            : LogInPaths.Contains(path, StringComparer.OrdinalIgnoreCase) ? ("log-in", signup.MaxLoginsPerAddressPerHour)
            : (null, 0);
        if (kind is null)
            return RateLimitPartition.GetNoLimiter("");
        // The limit is part of the key, so a changed setting takes effect with fresh windows.
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetSlidingWindowLimiter($"{kind}|{limit}|{address}", _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromHours(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "text/html; charset=utf-8";
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await response.WriteAsync(
            "<!doctype html><title>Too many attempts · TokenPortal</title><h1>Too many attempts</h1>" +
            "<p>Too many sign-ups or sign-in attempts came from your network in the last hour. Please try again later.</p>", cancellationToken);
    }
}
