using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Charges a saved card off-session when a settlement leaves the balance under the user's threshold. A reload is
/// claimed in the database (a conditional update of <see cref="BillingProfile.ReloadInFlight"/>) before the
/// PaymentIntent is created, so there is never a second one in flight for a user, whichever process or thread asks.
/// The credit arrives with the PaymentIntent's webhook; a declined card turns auto-reload off with the reason.
/// Requests keep working meanwhile; at $0 they pause (402) as always.
/// </summary>
internal sealed partial class AutoReloader(
    StripeApi stripe,
    IOptionsMonitor<StripeOptions> options,
    IOptionsMonitor<TokenPortalOptions> site,
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    ILedger ledger,
    TimeProvider clock,
    ILogger<AutoReloader> logger) : IAutoReloadTrigger, IHostedService
{
    private readonly ConcurrentDictionary<string, byte> _watched = new();
    private readonly ConcurrentDictionary<string, byte> _queued = new();
    private readonly Channel<string> _checks = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    public void BalanceLowered(string userId)
    {
        if (_watched.ContainsKey(userId) && _queued.TryAdd(userId, 0))
            _checks.Writer.TryWrite(userId);
    }

    /// <summary>Starts or stops watching a user's settlements (their auto-reload was turned on or off).</summary>
    public void Watch(string userId, bool enabled)
    {
        if (enabled)
            _watched[userId] = 0;
        else
            _watched.TryRemove(userId, out _);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var userId in await db.BillingProfiles.Where(p => p.AutoReloadEnabled).Select(p => p.UserId).ToListAsync(cancellationToken))
                _watched[userId] = 0;
        }
        _loop = Task.Run(CheckLoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _checks.Writer.TryComplete();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken);
    }

    private async Task CheckLoopAsync()
    {
        await foreach (var userId in _checks.Reader.ReadAllAsync())
        {
            _queued.TryRemove(userId, out _);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await CheckAsync(userId, timeout.Token);
            }
            catch (Exception ex)
            {
                LogCheckFailed(logger, ex, userId);
            }
        }
    }

    /// <summary>
    /// Starts a reload when the user has auto-reload, a saved card, no reload in flight and a balance under the threshold;
    /// or asks again about a reload in flight whose answer is overdue.
    /// </summary>
    internal async Task CheckAsync(string userId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
            return;
        BillingProfile? profile;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile is not { AutoReloadEnabled: true, PaymentMethodId: { } paymentMethod, StripeCustomerId: { } customer })
        {
            Watch(userId, false);
            return;
        }

        string reloadKey;
        long amountMicros;
        var now = clock.GetUtcNow();
        var retry = profile.ReloadInFlight is not null;
        if (profile.ReloadInFlight is { } inFlight)
        {
            // No answer yet. After a while, ask again under the same key: Stripe returns the PaymentIntent it made, if any.
            if (profile.ReloadStartedAt is { } started && now - started < TimeSpan.FromSeconds(settings.ReloadRetryAfterSeconds)
                || !await ClaimRetryAsync(userId, inFlight, profile.ReloadStartedAt, now, cancellationToken))
                return;
            (reloadKey, amountMicros) = (inFlight, profile.ReloadAmountMicros);
        }
        else
        {
            if (await ledger.GetBalanceAsync(userId, cancellationToken) >= profile.AutoReloadThresholdMicros)
                return;
            (reloadKey, amountMicros) = (ReloadKey(userId, profile.ReloadCount + 1), profile.AutoReloadAmountMicros);
            if (!StripeAmounts.TryToCents(amountMicros, out var wholeCents) || wholeCents <= 0
                || !await ClaimAsync(userId, profile.ReloadCount, reloadKey, amountMicros, now, cancellationToken))
                return;
        }
        StripeAmounts.TryToCents(amountMicros, out var cents);
        LogStarting(logger, userId, cents);
        var create = new PaymentIntentCreateOptions
        {
            Amount = cents,
            Currency = settings.Currency,
            Customer = customer,
            PaymentMethod = paymentMethod,
            OffSession = true,
            Confirm = true,
            Description = "TokenPortal auto-reload",
            Metadata = new Dictionary<string, string>
            {
                [StripeMetadata.UserId] = userId,
                [StripeMetadata.CreditMicros] = amountMicros.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [StripeMetadata.Purpose] = StripeMetadata.AutoReload,
                [StripeMetadata.ReloadKey] = reloadKey,
            },
        };
        try
        {
            var intent = await stripe.PaymentIntents.CreateAsync(create, StripeApi.Once(reloadKey), cancellationToken);
            if (intent.Status == "succeeded" && retry)
                await CreditRecoveredAsync(userId, intent, amountMicros, reloadKey); // its webhook may never have come
            else if (intent.Status is not ("succeeded" or "processing"))
                await TurnOffNowAsync(userId, reloadKey, $"The bank asked the card holder to confirm the payment ({intent.Status}); top up by hand or save another card.");
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error" || ex.HttpStatusCode is HttpStatusCode.PaymentRequired
            || (ex.HttpStatusCode is HttpStatusCode.BadRequest && ex.StripeError?.Code != "idempotency_error"))
        {
            // Declined, or a card Stripe no longer has: the same call will not succeed later.
            await TurnOffNowAsync(userId, reloadKey, ex.StripeError?.Message ?? "The card was declined.");
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            // Stripe may or may not have made the PaymentIntent: the claim stays, and after ReloadRetryAfterSeconds the next
            // settlement asks again under the same key, which cannot charge twice.
            LogTransient(logger, ex, userId);
        }
    }

    /// <summary>Within a webhook's transaction, or on its own: the card was declined; auto-reload goes off and says why.</summary>
    public async Task TurnOffAsync(TokenPortalDbContext db, string userId, string reloadKey, string reason, CancellationToken cancellationToken)
    {
        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        // A late failure of an older reload must not turn off auto-reload the user has turned on again since.
        if (profile is null || reloadKey != ReloadKey(userId, profile.ReloadCount))
            return;
        if (profile.ReloadInFlight == reloadKey)
        {
            profile.ReloadInFlight = null;
            profile.ReloadStartedAt = null;
        }
        profile.AutoReloadEnabled = false;
        profile.AutoReloadFailure = reason;
        Watch(userId, false);
        LogTurnedOff(logger, userId, reason);
    }

    /// <summary>The idempotency key of the user's <paramref name="number"/>th reload (also on its PaymentIntent's metadata).</summary>
    private static string ReloadKey(string userId, long number) => $"reload-{userId}-{number}";

    private async Task TurnOffNowAsync(string userId, string reloadKey, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var _ = await writeGate.EnterAsync(timeout.Token);
        await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
        await TurnOffAsync(db, userId, reloadKey, reason, timeout.Token);
        await db.SaveChangesAsync(timeout.Token);
    }

    private async Task<bool> ClaimAsync(string userId, long seenCount, string reloadKey, long amountMicros, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.BillingProfiles
            .Where(p => p.UserId == userId && p.AutoReloadEnabled && p.ReloadInFlight == null && p.ReloadCount == seenCount)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ReloadInFlight, reloadKey)
                .SetProperty(p => p.ReloadStartedAt, now)
                .SetProperty(p => p.ReloadAmountMicros, amountMicros)
                .SetProperty(p => p.ReloadCount, p => p.ReloadCount + 1), cancellationToken) == 1;
    }

    /// <summary>Only one check asks again about an overdue reload: the one that moves its start time.</summary>
    private async Task<bool> ClaimRetryAsync(string userId, string reloadKey, DateTimeOffset? seenStart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.BillingProfiles
            .Where(p => p.UserId == userId && p.ReloadInFlight == reloadKey && p.ReloadStartedAt == seenStart)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReloadStartedAt, now), cancellationToken) == 1;
    }

    /// <summary>Credits a reload found succeeded on asking again (deduplicated with its webhook by the PaymentIntent).</summary>
    private async Task CreditRecoveredAsync(string userId, PaymentIntent intent, long amountMicros, string reloadKey)
    {
        var receiptUrl = await ReceiptOfAsync(intent);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var _ = await writeGate.EnterAsync(timeout.Token);
        await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
        await using var tx = await db.Database.BeginTransactionAsync(timeout.Token);
        await StripeCredits.CreditPaymentAsync(db, userId, intent.Id, StripePaymentPurpose.AutoReload, intent.Amount, amountMicros, receiptUrl, reloadKey,
            site.CurrentValue, clock.GetUtcNow(), timeout.Token);
        await db.SaveChangesAsync(timeout.Token);
        await tx.CommitAsync(timeout.Token);
    }

    /// <summary>
    /// The receipt of the charge a recovered reload made. Read apart from the create (whose idempotent replay must send what
    /// the first attempt sent); if Stripe cannot say now, the credit goes ahead without it and the payment's webhook adds it.
    /// </summary>
    private async Task<string?> ReceiptOfAsync(PaymentIntent intent)
    {
        if (intent.LatestChargeId is not { } chargeId)
            return null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return StripeCredits.ReceiptOf(await stripe.Charges.GetAsync(chargeId, cancellationToken: timeout.Token));
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            LogReceiptUnavailable(logger, ex, intent.Id);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Auto-reload for user {UserId}: charging {Cents} cents to the saved card.")]
    private static partial void LogStarting(ILogger logger, string userId, long cents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-reload for user {UserId} turned off: {Reason}")]
    private static partial void LogTurnedOff(ILogger logger, string userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-reload for user {UserId} could not reach Stripe; it asks again later under the same idempotency key.")]
    private static partial void LogTransient(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The receipt of auto-reload {PaymentIntentId} could not be read; it is credited without one for now.")]
    private static partial void LogReceiptUnavailable(ILogger logger, Exception exception, string paymentIntentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Auto-reload check for user {UserId} failed.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string userId);
}
