using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>
/// Money back out through Stripe: refunds and disputes take back what the payment credited, never more, never as debt,
/// and never leave the user more than they allow (requests in flight included); a won dispute gives back what it took.
/// </summary>
public sealed class StripeRefundsAndDisputesTests(StripeFixture gateway) : IClassFixture<StripeFixture>
{
    private FakeStripe Stripe => gateway.Stripe;

    [Fact]
    public async Task Refunds_PartialThenRest_DebitEachPart_AndBeyondTheBalanceRecordTheWholeDebit()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 20_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        var (partial, _) = await Stripe.RefundAsync(charge, 500); // $5 of $20
        Assert.Equal(15_000_000, await gateway.BalanceAsync(account));
        await Stripe.DeliverAsync(partial, FakeStripe.Sign(partial, DateTimeOffset.UtcNow.ToUnixTimeSeconds())); // a replay
        Assert.Equal(15_000_000, await gateway.BalanceAsync(account));

        // The user spends $12 of what is left, then the rest ($15) is refunded: the balance stops at zero, no debt.
        await gateway.Ledger.CreditAsync(account.UserId, -12_000_000, LedgerEntryKind.Adjustment, "spent", CancellationToken.None);
        await Stripe.RefundAsync(charge, 1500);

        Assert.Equal(0, await gateway.BalanceAsync(account));
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Equal([-5_000_000L, -15_000_000L], entries.Where(e => e.Note?.StartsWith("Stripe refund", StringComparison.Ordinal) == true).Select(e => e.AmountMicros));
        Assert.Equal(12_000_000, Assert.Single(entries, e => e.Kind == LedgerEntryKind.WriteOff).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task FullRefund_WhileTheKeyIsInUse_TheNextRequestIsRefused_NotServedFromTheOldBalance()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 20_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        using var client = gateway.CreateClient(account.Key);
        var chat = new { model = "gpt-test", messages = new[] { new { role = "user", content = "hi" } } };
        // A request first, so the gateway's in-memory view of the balance holds the $20.
        (await client.PostAsJsonAsync("v1/chat/completions", chat)).EnsureSuccessStatusCode();
        var left = await gateway.BalanceAsync(account);

        await Stripe.RefundAsync(charge, 2000);

        Assert.Equal(HttpStatusCode.PaymentRequired, (await client.PostAsJsonAsync("v1/chat/completions", chat)).StatusCode);
        Assert.Equal(0, await gateway.BalanceAsync(account));
        Assert.Equal(20_000_000 - left, Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.WriteOff).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Dispute_DebitsTheDisputedAmountOnce()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        var (payload, status) = await Stripe.DisputeAsync(charge, 1000);
        var dispute = (JsonObject)JsonNode.Parse(payload)!["data"]!["object"]!;
        await Stripe.SendEventAsync("charge.dispute.created", Stripe.Get((string)dispute["id"]!)); // the same dispute, a new event id

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, await gateway.BalanceAsync(account));
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Note?.StartsWith("Stripe dispute", StringComparison.Ordinal) == true);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task RefundOvertakesTheCreditEvent_PaymentIsCreditedThenDebited_AndTheLateEventChangesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 20_000_000);
        var late = await gateway.CompletedEventWithoutDeliveringAsync(sessionId); // its delivery failed; Stripe will retry it later
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        Assert.Equal(HttpStatusCode.OK, (await Stripe.RefundAsync(charge, 500)).Status);
        Assert.Equal(15_000_000, await gateway.BalanceAsync(account));

        Assert.Equal(HttpStatusCode.OK, await Stripe.DeliverAsync(late, FakeStripe.Sign(late, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
        Assert.Equal(15_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task RefundsAndADispute_TogetherNeverTakeBackMoreThanThePaymentCredited()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        await Stripe.RefundAsync(charge, 400);   // $4 back
        await Stripe.DisputeAsync(charge, 1000); // disputes the whole $10: only the $6 not refunded can go
        await Stripe.RefundAsync(charge, 600);   // then refunded in full as well

        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Equal(-10_000_000, entries.Where(e => e.Note?.StartsWith("Stripe ", StringComparison.Ordinal) == true && e.AmountMicros < 0).Sum(e => e.AmountMicros));
        Assert.Equal(0, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task DisputeWon_CreditsBackWhatItTookOnce_WhicheverEventsReportIt()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        var (opened, _) = await Stripe.DisputeAsync(charge, 1000);
        var disputeId = (string)JsonNode.Parse(opened)!["data"]!["object"]!["id"]!;
        Assert.Equal(0, await gateway.BalanceAsync(account));

        var (closed, status) = await Stripe.CloseDisputeAsync(disputeId, "won");
        await Stripe.CloseDisputeAsync(disputeId, "won", "charge.dispute.funds_reinstated");
        await Stripe.DeliverAsync(closed, FakeStripe.Sign(closed, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Note == $"Stripe dispute {disputeId} won");
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task DisputeWon_AfterTheMoneyWasSpent_GivesBackOnlyWhatTheDisputeTook()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        await gateway.Ledger.CreditAsync(account.UserId, -6_000_000, LedgerEntryKind.Adjustment, "spent", CancellationToken.None);
        var (opened, _) = await Stripe.DisputeAsync(charge, 1000); // takes the $4 left; the spent $6 is written off

        await Stripe.CloseDisputeAsync((string)JsonNode.Parse(opened)!["data"]!["object"]!["id"]!, "won");

        // The payment stands, so the $6 spent was paid for: the user gets back the $4 the dispute took, not $10.
        Assert.Equal(4_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task DisputeLost_GivesNothingBack()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var (opened, _) = await Stripe.DisputeAsync(Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!), 1000);

        var (_, status) = await Stripe.CloseDisputeAsync((string)JsonNode.Parse(opened)!["data"]!["object"]!["id"]!, "lost");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task RefundWhileRequestsAreInFlight_WhatTheirReservationsGiveBackRepaysIt_TheUserKeepsNoMoreThanTheRefundAllows()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 5_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        using var client = gateway.CreateClient(account.Key);
        // Five slow streams (3 s each), each reserving about 8,000 micro-USD for up to 1,000 output tokens it will not use.
        var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        for (var i = 0; i < 5; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = JsonContent.Create(new { model = "slow", stream = true, max_tokens = 1000, messages = new[] { new { role = "user", content = "hi" } } }),
            };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await reader.ReadLineAsync(); // the first chunk: the request is under way, its reservation taken
            streams.Add((response, reader));
        }
        (await gateway.DbAsync()).Dispose(); // every reservation is written

        await Stripe.RefundAsync(charge, 500); // the whole $5 back to the card, while $0.04 of it is reserved

        Assert.Equal(0, await gateway.BalanceAsync(account));
        foreach (var (response, reader) in streams)
        {
            Assert.Contains("[DONE]", await reader.ReadToEndAsync());
            reader.Dispose();
            response.Dispose();
        }
        // Without the claw-back, the unused part of each reservation would come back to the balance: the user would keep
        // about $0.04 of a payment refunded in full.
        Assert.Equal(0, await gateway.BalanceAsync(account));
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Equal(5, entries.Count(e => e.Kind == LedgerEntryKind.Recovery));
        await gateway.AssertBooksBalanceAsync(account);
        await gateway.AssertAuditCleanAsync();
    }

    [Fact]
    public async Task DisputeInquiry_TakesNoMoney()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        var (_, status) = await Stripe.DisputeAsync(charge, 1000, status: "warning_needs_response");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
    }
}
