using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Billing.Stripe;

/// <summary>
/// Money in through Stripe, end to end over HTTP: Checkout, signed webhooks from the fake, and the ledger. Credits come
/// only from verified webhooks, once per payment however often or concurrently the events arrive.
/// </summary>
public sealed class StripeWebhookTests(StripeFixture gateway) : IClassFixture<StripeFixture>
{
    private FakeStripe Stripe => gateway.Stripe;

    private IStripeBilling Billing => gateway.Billing;

    [Fact]
    public async Task TopUp_CheckoutPaid_CreditsOnceAlthoughTwoEventsReportIt()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);

        var sessionId = await StartTopUpAsync(account, 25_000_000);
        Assert.Equal(0, await gateway.BalanceAsync(account)); // the browser's return credits nothing; only the webhook does
        var (_, status) = await Stripe.CompleteCheckoutAsync(sessionId); // checkout.session.completed, then payment_intent.succeeded

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(25_000_000, await gateway.BalanceAsync(account));
        var credits = (await gateway.LedgerEntriesAsync(account)).Where(e => e.Kind == LedgerEntryKind.Credit).ToList();
        Assert.Equal(25_000_000, Assert.Single(credits).AmountMicros);
        var session = Stripe.Get(sessionId);
        Assert.Equal(2500, (long)session["amount_total"]!);
        Assert.Equal(account.UserId, (string?)session["metadata"]!["user_id"]);
        Assert.Empty(Stripe.WritesWithoutIdempotencyKey);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Replay_SameEventAHundredTimes_SomeConcurrently_CreditsOnce()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        Stripe.SendPaymentIntentEvents = false;
        var sessionId = await StartTopUpAsync(account, 10_000_000);
        var (payload, first) = await Stripe.CompleteCheckoutAsync(sessionId);
        Stripe.SendPaymentIntentEvents = true;
        Assert.Equal(HttpStatusCode.OK, first);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, now - i % 5))));
        var sequential = new List<HttpStatusCode>();
        for (var i = 0; i < 49; i++)
            sequential.Add(await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, now)));

        Assert.All(concurrent.Concat(sequential), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Credit);
        await using var db = await gateway.DbAsync();
        var eventId = (string)JsonNode.Parse(payload)!["id"]!;
        Assert.Equal(1, await db.StripeEvents.CountAsync(e => e.Id == eventId));
    }

    [Fact]
    public async Task ConcurrentFirstDeliveries_OfOneEvent_CreditOnce()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await StartTopUpAsync(account, 5_000_000);
        Stripe.SendPaymentIntentEvents = false;
        var payload = await CompletedEventWithoutDeliveringAsync(sessionId);
        Stripe.SendPaymentIntentEvents = true;

        var header = FakeStripe.Sign(payload, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Stripe.DeliverAsync(payload, header))));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(5_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ForgedStaleOrMissingSignature_Returns400AndCreditsNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await StartTopUpAsync(account, 5_000_000);
        var payload = await CompletedEventWithoutDeliveringAsync(sessionId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.BadRequest, await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, now, secret: "whsec_forged")));
        Assert.Equal(HttpStatusCode.BadRequest, await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, now - 600)));
        Assert.Equal(HttpStatusCode.BadRequest, await Stripe.DeliverAsync(payload, null));
        Assert.Equal(HttpStatusCode.BadRequest, await Stripe.DeliverAsync(payload.Replace("5000000", "9000000"), FakeStripe.Sign(payload, now)));
        Assert.Equal(0, await gateway.BalanceAsync(account));

        // The same event, genuinely signed, is what credits.
        Assert.Equal(HttpStatusCode.OK, await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, now)));
        Assert.Equal(5_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task UnsignedPost_IsRefusedBeforeItsBodyIsRead_AndLargeBodiesAre413()
    {
        // A post that declares 100 KB and sends ten bytes: answered at once from its missing signature, not after a
        // read that would wait for the rest (a slow-loris body holding a buffer).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /stripe/webhook HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"id\":\"ev"));
        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith("HTTP/1.1 400", System.Text.Encoding.ASCII.GetString(buffer, 0, read));

        using var client = gateway.CreateClient();
        using var large = new HttpRequestMessage(HttpMethod.Post, "stripe/webhook") { Content = new ByteArrayContent(new byte[300 * 1024]) };
        large.Headers.TryAddWithoutValidation("Stripe-Signature", FakeStripe.Sign("x", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var tooLarge = await client.SendAsync(large);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task EventClaimingPaid_ForASessionStripeSaysIsUnpaid_CreditsNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await StartTopUpAsync(account, 5_000_000);
        var claimed = (JsonObject)Stripe.Get(sessionId).DeepClone();
        claimed["payment_status"] = "paid";
        claimed["status"] = "complete";
        claimed["payment_intent"] = "pi_made_up";

        var (_, status) = await Stripe.SendEventAsync("checkout.session.completed", claimed);

        Assert.Equal(HttpStatusCode.OK, status); // acknowledged, so Stripe stops, but re-fetched and found unpaid
        Assert.Equal(0, await gateway.BalanceAsync(account));
    }

    [Theory]
    [InlineData("customer.created")]
    [InlineData("invoice.paid")]
    public async Task EventTypeWeIgnore_Returns200AndChangesNothing(string type)
    {
        var account = await gateway.CreateAccountAsync(usd: 1);
        var (_, status) = await Stripe.SendEventAsync(type, new JsonObject { ["id"] = "obj_1", ["object"] = "thing" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task NotAnEvent_ButSigned_Returns400()
    {
        const string payload = """{"hello":"world"}""";
        Assert.Equal(HttpStatusCode.BadRequest, await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
    }

    [Fact]
    public async Task Pack_CreditsItsConfiguredCredit_AndAFullRefundTakesAllOfItBack()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var start = await Billing.StartPackAsync(account.UserId, "Builder pack", StripeFixture.ReturnUrl, CancellationToken.None);
        var sessionId = StripeFixture.SessionId(start);
        Assert.Equal(5000, (long)Stripe.Get(sessionId)["amount_total"]!);

        await Stripe.CompleteCheckoutAsync(sessionId);
        Assert.Equal(55_000_000, await gateway.BalanceAsync(account));

        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        Assert.Equal(HttpStatusCode.OK, (await Stripe.RefundAsync(charge, 5000)).Status);
        Assert.Equal(0, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Refunds_PartialThenRest_DebitEachPart_AndBeyondTheBalanceRecordTheWholeDebit()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await StartTopUpAsync(account, 20_000_000);
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
        var sessionId = await StartTopUpAsync(account, 20_000_000);
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
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
        var sessionId = await StartTopUpAsync(account, 20_000_000);
        var late = await CompletedEventWithoutDeliveringAsync(sessionId); // its delivery failed; Stripe will retry it later
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var (opened, _) = await Stripe.DisputeAsync(Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!), 1000);

        var (_, status) = await Stripe.CloseDisputeAsync((string)JsonNode.Parse(opened)!["data"]!["object"]!["id"]!, "lost");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task OlderCardSetupEvent_ArrivingLate_NeverReplacesTheNewerCard()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var older = StripeFixture.SessionId(await Billing.StartCardSetupAsync(account.UserId, StripeFixture.ReturnUrl, CancellationToken.None));
        var newer = StripeFixture.SessionId(await Billing.StartCardSetupAsync(account.UserId, StripeFixture.ReturnUrl, CancellationToken.None));
        var late = await CompletedEventWithoutDeliveringAsync(older);
        await Stripe.CompleteCheckoutAsync(newer);
        var newerCard = (string)Stripe.Get((string)Stripe.Get(newer)["setup_intent"]!)["payment_method"]!;

        Assert.Equal(HttpStatusCode.OK, await Stripe.DeliverAsync(late, FakeStripe.Sign(late, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));

        Assert.Equal(newerCard, (await gateway.ProfileAsync(account)).PaymentMethodId);
    }

    [Fact]
    public async Task RefundWhileRequestsAreInFlight_WhatTheirHoldsGiveBackRepaysIt_TheUserKeepsNoMoreThanTheRefundAllows()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await StartTopUpAsync(account, 5_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);
        using var client = gateway.CreateClient(account.Key);
        // Five slow streams (3 s each), each holding about 8,000 micro-USD for up to 1,000 output tokens it will not use.
        var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        for (var i = 0; i < 5; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = JsonContent.Create(new { model = "slow", stream = true, max_tokens = 1000, messages = new[] { new { role = "user", content = "hi" } } }),
            };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await reader.ReadLineAsync(); // the first chunk: the request is under way, its hold taken
            streams.Add((response, reader));
        }
        (await gateway.DbAsync()).Dispose(); // every hold is written

        await Stripe.RefundAsync(charge, 500); // the whole $5 back to the card, while $0.04 of it is held

        Assert.Equal(0, await gateway.BalanceAsync(account));
        foreach (var (response, reader) in streams)
        {
            Assert.Contains("[DONE]", await reader.ReadToEndAsync());
            reader.Dispose();
            response.Dispose();
        }
        // Without the claw-back, the unused part of each hold would come back to the balance: the user would keep
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
        var sessionId = await StartTopUpAsync(account, 10_000_000);
        await Stripe.CompleteCheckoutAsync(sessionId);
        var charge = Stripe.ChargeOf((string)Stripe.Get(sessionId)["payment_intent"]!);

        var (_, status) = await Stripe.DisputeAsync(charge, 1000, status: "warning_needs_response");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
    }

    [Theory]
    [InlineData(4_990_000L)]        // under the $5 minimum
    [InlineData(1_000_010_000L)]    // over the $1,000 maximum
    [InlineData(10_005_000L)]       // not whole cents
    public async Task TopUp_AmountOutOfBounds_IsRefusedBeforeStripeIsAsked(long micros)
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionsBefore = Stripe.All("checkout.session").Count();

        var start = await Billing.StartTopUpAsync(account.UserId, micros, StripeFixture.ReturnUrl, CancellationToken.None);

        Assert.Null(start.Url);
        Assert.NotNull(start.Error);
        Assert.Equal(sessionsBefore, Stripe.All("checkout.session").Count());
    }

    private async Task<string> StartTopUpAsync(TestAccount account, long micros) =>
        StripeFixture.SessionId(await Billing.StartTopUpAsync(account.UserId, micros, StripeFixture.ReturnUrl, CancellationToken.None));

    /// <summary>Pays the session at the fake but takes the event instead of delivering it.</summary>
    private async Task<string> CompletedEventWithoutDeliveringAsync(string sessionId)
    {
        var target = Stripe.WebhookUrl;
        Stripe.WebhookUrl = new Uri("http://127.0.0.1:9/"); // nothing listens: the delivery fails, the event is ours to send
        try
        {
            await Stripe.CompleteCheckoutAsync(sessionId);
        }
        catch (HttpRequestException)
        {
        }
        finally
        {
            Stripe.WebhookUrl = target;
        }
        var session = Stripe.Get(sessionId);
        return BuildEvent("checkout.session.completed", session);
    }

    private static string BuildEvent(string type, JsonObject obj) =>
        $$"""{"id":"evt_{{Guid.NewGuid():N}}","object":"event","type":"{{type}}","data":{"object":""" + obj.ToJsonString() + "}}";
}
