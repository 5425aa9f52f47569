using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Billing.Stripe;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// The money side of one gateway request: reserve the worst case before calling upstream
/// (lowering the output bound until it fits the balance and the key's cap), then settle the
/// actual usage or release everything. Ledger writes after the call never use the request's
/// token: a client that hung up is still billed, with a short timeout of their own, and the
/// answer does not wait for its settle.
/// </summary>
public sealed partial class RequestBilling(
    ILedger ledger,
    IAutoReloadTrigger autoReload,
    IOptionsMonitor<TokenPortalOptions> options,
    ILogger<RequestBilling> logger)
{
    /// <summary>The least output a request is worth sending upstream for.</summary>
    public const int MinimumOutputTokens = 16;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Reserves the worst case of the most expensive of <paramref name="candidates"/> (the model asked for and its
    /// fallbacks): whichever serves, its charge fits. Where the balance or the key's cap falls short, the output bound
    /// is lowered until it fits, down to <see cref="MinimumOutputTokens"/>.
    /// </summary>
    public async Task<ReservationPlan> ReserveAsync(AuthenticatedKey key, string requestId, IReadOnlyList<CatalogModel> candidates,
        RequestInfo request, CancellationToken cancellationToken)
    {
        var (inputTokens, floorOutput, worst, floor) = Bounds(candidates[0], request);
        for (var i = 1; i < candidates.Count; i++)
        {
            var other = Bounds(candidates[i], request);
            if (other.Worst > worst)
                (inputTokens, floorOutput, worst) = (other.InputTokens, other.FloorOutput, other.Worst);
            floor = Math.Max(floor, other.Floor);
        }

        if (key.MaxMicrosPerRequest is { } cap)
        {
            if (floor > cap)
            {
                return ReservationPlan.Refused(GatewayError.RequestCapExceeded(
                    $"The smallest possible cost of this request (${MicroUsd.Format(floor)}: about {inputTokens} prompt tokens and " +
                    $"{floorOutput} output tokens) exceeds this key's limit of ${MicroUsd.Format(cap)} per request."));
            }
            worst = Math.Min(worst, cap);
        }

        ReserveOutcome outcome;
        try
        {
            outcome = await ledger.TryReserveAsync(new ReserveRequest(key.UserId, requestId, key.KeyId, worst, floor, key.MaxMicrosPerRequest), cancellationToken);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            LogDatabaseFailure(logger, ex, requestId);
            return ReservationPlan.Refused(GatewayError.Unavailable());
        }
        if (outcome.Reservation is { } reservation)
            return ReservationPlan.Reserved(reservation);

        var needed = MicroUsd.Format(Math.Max(floor, 1));
        return ReservationPlan.Refused(GatewayError.InsufficientBalance(outcome.Refusal == ReserveRefusal.KeyBudget
            ? $"This API key's budget is spent: ${MicroUsd.Format(outcome.AvailableMicros)} is left of it and this request needs at least ${needed}."
            : $"Your balance does not cover this request: it needs at least ${needed}. Add credit to continue."));
    }

    /// <summary>The output bound per choice <paramref name="model"/> gets within <paramref name="reservation"/>: what was asked, or what the money allows.</summary>
    public static int OutputBoundFor(CatalogModel model, RequestInfo request, Reservation reservation)
    {
        var requested = RequestedOutput(model, request);
        var allowed = model.Price.LargestOutputWithin(reservation.AmountMicros, WithHeadroom(request.InputTokensFor(model)),
            (int)Math.Min((long)requested * request.Choices, int.MaxValue), request.WritesCache);
        return Math.Max(Math.Min(requested, MinimumOutputTokens), allowed / request.Choices);
    }

    /// <summary>The tokens a request may use on <paramref name="model"/> at most, prompt and output, as rate limits count them.</summary>
    public static long MostTokens(CatalogModel model, RequestInfo request) =>
        request.InputTokensFor(model) + (long)RequestedOutput(model, request) * request.Choices;

    private static int RequestedOutput(CatalogModel model, RequestInfo request) => request.MaxOutputTokens ?? model.MaxOutputTokens;

    /// <summary>The prompt a reservation covers on <paramref name="model"/>, its least output, and what the most and the least output cost.</summary>
    private static (int InputTokens, int FloorOutput, long Worst, long Floor) Bounds(CatalogModel model, RequestInfo request)
    {
        var requested = RequestedOutput(model, request);
        var inputTokens = WithHeadroom(request.InputTokensFor(model));
        var maxOutput = (int)Math.Min((long)requested * request.Choices, int.MaxValue);
        var floorOutput = Math.Min(requested, MinimumOutputTokens) * request.Choices;
        return (inputTokens, floorOutput, model.Price.WorstCase(inputTokens, maxOutput, request.WritesCache),
            model.Price.WorstCase(inputTokens, floorOutput, request.WritesCache));
    }

    /// <summary>
    /// The prompt tokens a reservation covers: o200k's count plus an eighth and 8 tokens, since other tokenizers
    /// (Anthropic's, Gemini's) count the same text higher and a charge can never exceed its reservation.
    /// </summary>
    internal static int WithHeadroom(int estimatedInputTokens) =>
        (int)Math.Min(int.MaxValue, estimatedInputTokens + (long)estimatedInputTokens / 8 + 8);

    /// <summary>What <paramref name="metered"/> costs at <paramref name="price"/>, under the site's rule for usage the provider did not report.</summary>
    public long CostOf(ModelPrice price, MeteredUsage metered) =>
        price.Cost(options.CurrentValue.Billing.UnreportedUsage == UnreportedUsage.Free ? metered.ReportedOnly : metered.Usage);

    /// <summary>What the ledger charged; null when it could not be written (the reservation stays open until the next start).</summary>
    public async Task<Settlement?> SettleBehindAsync(Reservation reservation, long costMicros)
    {
        try
        {
            var settled = await ledger.SettleBehindAsync(reservation, costMicros);
            if (settled.ChargedMicros > 0)
                autoReload.BalanceLowered(reservation.UserId);
            return settled;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            LogSettleFailed(logger, ex, reservation.RequestId);
            return null;
        }
    }

    public async Task ReleaseAsync(Reservation reservation)
    {
        using var timeout = new CancellationTokenSource(SettleTimeout);
        try
        {
            await ledger.ReleaseAsync(reservation, timeout.Token);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex) || ex is OperationCanceledException)
        {
            LogSettleFailed(logger, ex, reservation.RequestId);
        }
    }

    internal static bool IsDatabaseFailure(Exception ex) =>
        ex is DbException or DbUpdateException || ex.InnerException is DbException;

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refused the reservation of request {RequestId}.")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not close the reservation of request {RequestId}; it will be released at the next start.")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string requestId);
}
