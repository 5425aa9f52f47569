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

        var sessionId = await gateway.StartTopUpAsync(account, 25_000_000);
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
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
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
    public async Task Receipt_StoredFromTheChargeOnce_AlthoughTheEventComesAgainAndAnotherReportsThePayment()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 10_000_000);
        Stripe.SendPaymentIntentEvents = false;
        var (payload, first) = await Stripe.CompleteCheckoutAsync(sessionId);
        Stripe.SendPaymentIntentEvents = true;
        Assert.Equal(HttpStatusCode.OK, first);
        var paymentIntent = (string)Stripe.Get(sessionId)["payment_intent"]!;
        var charge = Stripe.ChargeOf(paymentIntent);
        var receipt = Stripe.ReceiptUrlOf(charge);
        Assert.Equal(receipt, (await PaymentAsync(paymentIntent)).ReceiptUrl);

        // Stripe's answer changes (as a receipt link can); the same event again, and another about the same payment, change nothing.
        var chargeObject = Stripe.Get(charge);
        lock (chargeObject)
            chargeObject["receipt_url"] = receipt + "?later";
        Assert.Equal(HttpStatusCode.OK, await Stripe.DeliverAsync(payload, FakeStripe.Sign(payload, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
        Assert.Equal(HttpStatusCode.OK, (await Stripe.SendEventAsync("payment_intent.succeeded", Stripe.Get(paymentIntent))).Status);

        Assert.Equal(receipt, (await PaymentAsync(paymentIntent)).ReceiptUrl);
        await using (var db = await gateway.DbAsync())
            Assert.Equal(1, await db.StripePayments.CountAsync(p => p.UserId == account.UserId));
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Credit);
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task PaymentCreditedWithoutAReceipt_ALaterReportOfIt_AddsTheReceiptAndNoCredit()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 5_000_000);
        Stripe.SendPaymentIntentEvents = false;
        await Stripe.CompleteCheckoutAsync(sessionId);
        Stripe.SendPaymentIntentEvents = true;
        var paymentIntent = (string)Stripe.Get(sessionId)["payment_intent"]!;
        await using (var db = await gateway.DbAsync()) // as a payment credited before receipts were kept
            await db.StripePayments.Where(p => p.PaymentIntentId == paymentIntent).ExecuteUpdateAsync(s => s.SetProperty(p => p.ReceiptUrl, (string?)null));

        Assert.Equal(HttpStatusCode.OK, (await Stripe.SendEventAsync("payment_intent.succeeded", Stripe.Get(paymentIntent))).Status);

        Assert.Equal(Stripe.ReceiptUrlOf(Stripe.ChargeOf(paymentIntent)), (await PaymentAsync(paymentIntent)).ReceiptUrl);
        Assert.Equal(5_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ConcurrentFirstDeliveries_OfOneEvent_CreditOnce()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var sessionId = await gateway.StartTopUpAsync(account, 5_000_000);
        Stripe.SendPaymentIntentEvents = false;
        var payload = await gateway.CompletedEventWithoutDeliveringAsync(sessionId);
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
        var sessionId = await gateway.StartTopUpAsync(account, 5_000_000);
        var payload = await gateway.CompletedEventWithoutDeliveringAsync(sessionId);
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
        var sessionId = await gateway.StartTopUpAsync(account, 5_000_000);
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
    public async Task AnEventWeApply_WithoutItsObjectsId_Returns400AndChangesNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1);
        var (_, status) = await Stripe.SendEventAsync("payment_intent.succeeded", new JsonObject { ["object"] = "payment_intent", ["amount"] = 500 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
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
    public async Task OlderCardSetupEvent_ArrivingLate_NeverReplacesTheNewerCard()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        var older = StripeFixture.SessionId(await Billing.StartCardSetupAsync(account.UserId, StripeFixture.ReturnUrl, CancellationToken.None));
        var newer = StripeFixture.SessionId(await Billing.StartCardSetupAsync(account.UserId, StripeFixture.ReturnUrl, CancellationToken.None));
        var late = await gateway.CompletedEventWithoutDeliveringAsync(older);
        await Stripe.CompleteCheckoutAsync(newer);
        var newerCard = (string)Stripe.Get((string)Stripe.Get(newer)["setup_intent"]!)["payment_method"]!;

        Assert.Equal(HttpStatusCode.OK, await Stripe.DeliverAsync(late, FakeStripe.Sign(late, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));

        Assert.Equal(newerCard, (await gateway.ProfileAsync(account)).PaymentMethodId);
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

    private async Task<StripePayment> PaymentAsync(string paymentIntentId)
    {
        await using var db = await gateway.DbAsync();
        return await db.StripePayments.AsNoTracking().SingleAsync(p => p.PaymentIntentId == paymentIntentId);
    }
}
