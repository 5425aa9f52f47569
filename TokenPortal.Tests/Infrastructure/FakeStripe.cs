using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// Stripe on loopback: the API endpoints TokenPortal calls (customers, Checkout Sessions, SetupIntents, PaymentMethods,
/// PaymentIntents, charges, disputes) with Stripe's idempotency and error shape and its <c>expand[]</c> on reads, a Checkout
/// page a browser can pay on, a hosted receipt page for every charge, and webhooks signed with Stripe's real scheme
/// (computed here independently of the product's checker).
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake";
    public const string WebhookSecret = "whsec_fake_signing_secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(int Status, string Body)>>> _idempotent = new();
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _sequence;

    private FakeStripe(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where events are delivered: the gateway's <c>/stripe/webhook</c>.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Off-session PaymentIntents are declined with insufficient funds.</summary>
    public bool DeclineOffSession { get; set; }

    /// <summary>How long creating a PaymentIntent takes (widens the window for concurrent auto-reload checks).</summary>
    public TimeSpan PaymentIntentDelay { get; set; }

    /// <summary>
    /// Statuses the next PaymentIntent creations answer with (an outage, a rotated key) before doing anything: nothing is
    /// created and nothing is remembered under the idempotency key, as when a request never reached Stripe.
    /// </summary>
    public ConcurrentQueue<int> PaymentIntentFailures { get; } = new();

    /// <summary>Send <c>payment_intent.succeeded</c> / <c>payment_failed</c> after creating an off-session PaymentIntent.</summary>
    public bool SendPaymentIntentEvents { get; set; } = true;

    /// <summary>PaymentIntents created through the API for a user, by their metadata (an idempotent replay does not create another).</summary>
    public List<JsonObject> PaymentIntentsFor(string userId) =>
        All("payment_intent").Where(p => (string?)p["metadata"]?["user_id"] == userId && p["_api"] is not null).ToList();

    /// <summary>Every write that arrived without an Idempotency-Key (there should be none).</summary>
    public ConcurrentBag<string> WritesWithoutIdempotencyKey { get; } = [];

    /// <summary>Every POST's form, in arrival order, by path.</summary>
    public ConcurrentQueue<(string Path, IFormCollection Form)> Writes { get; } = new();

    public static async Task<FakeStripe> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeStripe(app);
        fake.Map(app);
        await app.StartAsync();
        fake.BaseUrl = LoopbackApp.Address(app);
        return fake;
    }

    /// <summary>The <c>TokenPortal:Stripe</c> settings that point the product at this fake.</summary>
    public void AddSettings(IDictionary<string, string?> settings)
    {
        settings["TokenPortal:Stripe:SecretKey"] = SecretKey;
        settings["TokenPortal:Stripe:WebhookSecret"] = WebhookSecret;
        settings["TokenPortal:Stripe:ApiBase"] = BaseUrl.ToString();
        settings["TokenPortal:Stripe:Packs:0:Name"] = "$10 pack";
        settings["TokenPortal:Stripe:Packs:0:PriceUsd"] = "10";
        settings["TokenPortal:Stripe:Packs:1:Name"] = "Builder pack";
        settings["TokenPortal:Stripe:Packs:1:PriceUsd"] = "50";
        settings["TokenPortal:Stripe:Packs:1:CreditUsd"] = "55";
    }

    public JsonObject Get(string id) => _objects[id];

    public IEnumerable<JsonObject> All(string type) => _objects.Values.Where(o => (string?)o["object"] == type);

    /// <summary>What the browser's "Pay" (or "Save card") does: completes the session and delivers <c>checkout.session.completed</c>.</summary>
    public async Task<(string Payload, HttpStatusCode Status)> CompleteCheckoutAsync(string sessionId)
    {
        var session = _objects[sessionId];
        lock (session)
        {
            if ((string?)session["status"] == "open")
            {
                if ((string?)session["mode"] == "payment")
                {
                    var metadata = (JsonObject?)session["_payment_intent_metadata"]?.DeepClone() ?? [];
                    var intent = NewPaymentIntent((long)session["amount_total"]!, (string?)session["customer"], null, metadata, succeeded: true);
                    session["payment_intent"] = (string)intent["id"]!;
                    session["payment_status"] = "paid";
                }
                else
                {
                    var card = Store("pm", new JsonObject { ["object"] = "payment_method", ["card"] = new JsonObject { ["brand"] = "visa", ["last4"] = "4242" } });
                    var setup = Store("seti", new JsonObject
                    {
                        ["object"] = "setup_intent", ["status"] = "succeeded", ["customer"] = (string?)session["customer"], ["payment_method"] = (string)card["id"]!,
                        // Strictly later for every card saved: the order the product must keep, whatever order events arrive in.
                        ["created"] = 1_700_000_000 + Interlocked.Increment(ref _sequence),
                        ["metadata"] = session["_setup_intent_metadata"]?.DeepClone() ?? new JsonObject(),
                    });
                    session["setup_intent"] = (string)setup["id"]!;
                }
                session["status"] = "complete";
            }
        }
        var delivered = await SendEventAsync("checkout.session.completed", session);
        // Stripe also reports the Checkout payment's PaymentIntent; the product must credit the payment once.
        if (SendPaymentIntentEvents && (string?)session["payment_intent"] is { } paymentIntent)
            await SendEventAsync("payment_intent.succeeded", _objects[paymentIntent]);
        return delivered;
    }

    /// <summary>Refunds <paramref name="cents"/> more of a charge and delivers <c>charge.refunded</c>.</summary>
    public Task<(string Payload, HttpStatusCode Status)> RefundAsync(string chargeId, long cents)
    {
        var charge = _objects[chargeId];
        lock (charge)
            charge["amount_refunded"] = (long)charge["amount_refunded"]! + cents;
        return SendEventAsync("charge.refunded", charge);
    }

    /// <summary>Opens a dispute (or, with a <c>warning_*</c> status, an inquiry) on a charge and delivers <c>charge.dispute.created</c>.</summary>
    public Task<(string Payload, HttpStatusCode Status)> DisputeAsync(string chargeId, long cents, string status = "needs_response")
    {
        var charge = _objects[chargeId];
        var dispute = Store("dp", new JsonObject
        {
            ["object"] = "dispute", ["amount"] = cents, ["status"] = status, ["charge"] = chargeId, ["payment_intent"] = (string?)charge["payment_intent"],
        });
        return SendEventAsync("charge.dispute.created", dispute);
    }

    /// <summary>Closes a dispute (won or lost) and delivers <c>charge.dispute.closed</c>, or <paramref name="eventType"/>.</summary>
    public Task<(string Payload, HttpStatusCode Status)> CloseDisputeAsync(string disputeId, string status, string eventType = "charge.dispute.closed")
    {
        var dispute = _objects[disputeId];
        lock (dispute)
            dispute["status"] = status;
        return SendEventAsync(eventType, dispute);
    }

    /// <summary>The charge a PaymentIntent made.</summary>
    public string ChargeOf(string paymentIntentId) => (string)_objects[paymentIntentId]["latest_charge"]!;

    /// <summary>Builds an event about <paramref name="obj"/> (as it is now) and delivers it, signed.</summary>
    public async Task<(string Payload, HttpStatusCode Status)> SendEventAsync(string type, JsonObject obj)
    {
        string data;
        lock (obj)
            data = Public(obj).ToJsonString();
        var payload = $$"""{"id":"evt_{{Next()}}","object":"event","api_version":"2025-09-30","created":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"type":"{{type}}","livemode":false,"data":{"object":""" + data + "}}";
        return (payload, await DeliverAsync(payload, Sign(payload, DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
    }

    /// <summary>Posts a payload with any signature header (or none) to the webhook, as Stripe's servers would.</summary>
    public async Task<HttpStatusCode> DeliverAsync(string payload, string? signatureHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookUrl ?? throw new InvalidOperationException("WebhookUrl is not set."))
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signatureHeader is not null)
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signatureHeader);
        using var response = await _webhookClient.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Stripe's scheme: <c>t=…,v1=hex(HMAC-SHA256(secret, "t.payload"))</c>.</summary>
    public static string Sign(string payload, long timestamp, string secret = WebhookSecret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1") && context.Request.Headers.Authorization != $"Bearer {SecretKey}")
            {
                await Error(context, 401, "invalid_request_error", null, "Invalid API Key provided.");
                return;
            }
            await next(context);
        });
        app.MapPost("/v1/{**path}", WriteAsync);
        app.MapGet("/v1/{kind}/{id}", (string kind, string id, HttpRequest request) => Read(id, request.Query));
        app.MapGet("/v1/checkout/sessions/{id}", (string id, HttpRequest request) => Read(id, request.Query));
        app.MapGet("/receipts/{id}", (string id) => _objects.TryGetValue(id, out var charge) && (string?)charge["object"] == "charge"
            ? Results.Content($"""
                <!doctype html><html><head><title>Fake Stripe receipt</title></head><body style="font-family:sans-serif;margin:3rem">
                <h1>Receipt from TokenPortal</h1><p id="amount">${(long)charge["amount"]! / 100m:0.00} paid</p><p>Charge {id}</p></body></html>
                """, "text/html")
            : Results.NotFound());
        app.MapGet("/checkout/{id}", (string id) => _objects.TryGetValue(id, out var session)
            ? Results.Content($"""
                <!doctype html><html><head><title>Fake Stripe Checkout</title></head><body style="font-family:sans-serif;margin:3rem">
                <h1>Fake Stripe Checkout</h1><p>{((string?)session["mode"] == "setup" ? "Save a card for later payments." : $"Pay ${(long)session["amount_total"]! / 100m:0.00}")}</p>
                <form method="post" action="/checkout/{id}/complete"><button id="pay" type="submit">{((string?)session["mode"] == "setup" ? "Save card" : "Pay")}</button></form>
                <a id="cancel" href="{(string?)session["cancel_url"]}">Cancel</a></body></html>
                """, "text/html")
            : Results.NotFound());
        app.MapPost("/checkout/{id}/complete", async (string id) =>
        {
            await CompleteCheckoutAsync(id);
            var success = ((string)_objects[id]["success_url"]!).Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal);
            return Results.Redirect(success);
        });
    }

    private async Task WriteAsync(HttpContext context, string path)
    {
        var form = await context.Request.ReadFormAsync();
        Writes.Enqueue((path, form));
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
            WritesWithoutIdempotencyKey.Add(path);
        if (path == "payment_intents" && PaymentIntentFailures.TryDequeue(out var failure))
        {
            await Error(context, failure, failure == 401 ? "invalid_request_error" : "api_error", null, $"Fake outage ({failure}).");
            return;
        }
        var work = new Lazy<Task<(int, string)>>(() => CreateAsync(path, form));
        var (status, body) = await (key.Length == 0 ? work.Value : _idempotent.GetOrAdd($"{path}:{key}", work).Value);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private async Task<(int Status, string Body)> CreateAsync(string path, IFormCollection form)
    {
        switch (path)
        {
            case "customers":
                return (200, Public(Store("cus", new JsonObject { ["object"] = "customer", ["email"] = form["email"].ToString(), ["metadata"] = Map(form, "metadata") })).ToJsonString());
            case "checkout/sessions":
            {
                var mode = form["mode"].ToString();
                var session = new JsonObject
                {
                    ["object"] = "checkout.session", ["mode"] = mode, ["status"] = "open", ["payment_status"] = mode == "setup" ? "no_payment_required" : "unpaid",
                    ["customer"] = form["customer"].ToString(), ["client_reference_id"] = form["client_reference_id"].ToString(),
                    ["success_url"] = form["success_url"].ToString(), ["cancel_url"] = form["cancel_url"].ToString(),
                    ["currency"] = form.ContainsKey("currency") ? form["currency"].ToString() : form["line_items[0][price_data][currency]"].ToString(),
                    ["amount_total"] = mode == "payment" ? long.Parse(form["line_items[0][price_data][unit_amount]"]!, CultureInfo.InvariantCulture) * long.Parse(form["line_items[0][quantity]"]!, CultureInfo.InvariantCulture) : null,
                    ["metadata"] = Map(form, "metadata"), ["payment_intent"] = null, ["setup_intent"] = null,
                    ["_payment_intent_metadata"] = Map(form, "payment_intent_data[metadata]"), ["_setup_intent_metadata"] = Map(form, "setup_intent_data[metadata]"),
                };
                Store("cs", session);
                session["url"] = new Uri(BaseUrl, $"checkout/{session["id"]}").ToString();
                return (200, Public(session).ToJsonString());
            }
            case "payment_intents":
            {
                if (PaymentIntentDelay > TimeSpan.Zero)
                    await Task.Delay(PaymentIntentDelay);
                var decline = DeclineOffSession && form["off_session"] == "true";
                var intent = NewPaymentIntent(long.Parse(form["amount"]!, CultureInfo.InvariantCulture), form["customer"], form["payment_method"], Map(form, "metadata"), succeeded: !decline);
                intent["_api"] = true;
                if (SendPaymentIntentEvents)
                    _ = Task.Run(() => SendEventAsync(decline ? "payment_intent.payment_failed" : "payment_intent.succeeded", intent));
                if (!decline)
                    return (200, Public(intent).ToJsonString());
                var error = (JsonObject)intent["last_payment_error"]!.DeepClone();
                error["payment_intent"] = Public(intent);
                return (402, new JsonObject { ["error"] = error }.ToJsonString());
            }
            default:
                return (404, ErrorBody("invalid_request_error", "resource_missing", $"Unrecognized request URL (POST: /v1/{path})."));
        }
    }

    private JsonObject NewPaymentIntent(long amount, string? customer, string? paymentMethod, JsonObject metadata, bool succeeded)
    {
        var intent = Store("pi", new JsonObject
        {
            ["object"] = "payment_intent", ["amount"] = amount, ["currency"] = "usd", ["customer"] = customer, ["payment_method"] = paymentMethod,
            ["status"] = succeeded ? "succeeded" : "requires_payment_method", ["metadata"] = metadata,
            ["last_payment_error"] = succeeded ? null : new JsonObject
            {
                ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card has insufficient funds.",
            },
        });
        if (succeeded)
        {
            var charge = Store("ch", new JsonObject
            {
                ["object"] = "charge", ["amount"] = amount, ["amount_refunded"] = 0L, ["paid"] = true, ["status"] = "succeeded",
                ["payment_intent"] = (string)intent["id"]!,
            });
            charge["receipt_url"] = ReceiptUrlOf((string)charge["id"]!);
            intent["latest_charge"] = (string)charge["id"]!;
        }
        return intent;
    }

    /// <summary>Where the hosted receipt of a charge is (<c>receipt_url</c>): a page on this fake.</summary>
    public string ReceiptUrlOf(string chargeId) => new Uri(BaseUrl, $"receipts/{chargeId}").ToString();

    private IResult Read(string id, IQueryCollection query)
    {
        if (!_objects.TryGetValue(id, out var obj))
            return Results.Content(ErrorBody("invalid_request_error", "resource_missing", $"No such object: '{id}'"), "application/json", statusCode: 404);
        JsonObject copy;
        lock (obj)
            copy = Public(obj);
        // expand[0]=payment_intent.latest_charge (Stripe.net's form) or expand[]=...: each path's ids become their objects.
        foreach (var path in query.Where(q => q.Key.StartsWith("expand[", StringComparison.Ordinal)).SelectMany(q => q.Value).OfType<string>())
            Expand(copy, path.Split('.'));
        return Results.Content(copy.ToJsonString(), "application/json");
    }

    private void Expand(JsonObject obj, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
            return;
        if (obj[path[0]] is JsonValue value && value.TryGetValue<string>(out var id) && _objects.TryGetValue(id, out var target))
        {
            lock (target)
                obj[path[0]] = Public(target);
        }
        if (obj[path[0]] is JsonObject expanded)
            Expand(expanded, path[1..]);
    }

    private JsonObject Store(string prefix, JsonObject obj)
    {
        obj["id"] = $"{prefix}_{Next()}";
        _objects[(string)obj["id"]!] = obj;
        return obj;
    }

    private string Next() => $"test{Interlocked.Increment(ref _sequence):D6}";

    /// <summary>The object as Stripe shows it (without this fake's own bookkeeping fields).</summary>
    private static JsonObject Public(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        foreach (var name in copy.Select(p => p.Key).Where(k => k.StartsWith('_')).ToList())
            copy.Remove(name);
        return copy;
    }

    private static JsonObject Map(IFormCollection form, string prefix)
    {
        var map = new JsonObject();
        foreach (var (key, value) in form.Where(f => f.Key.StartsWith(prefix + "[", StringComparison.Ordinal) && f.Key.EndsWith(']') && f.Key.IndexOf('[', prefix.Length + 1) < 0))
            map[key[(prefix.Length + 1)..^1]] = value.ToString();
        return map;
    }

    private static string ErrorBody(string type, string? code, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } }.ToJsonString();

    private static Task Error(HttpContext context, int status, string type, string? code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ErrorBody(type, code, message));
    }

    public async ValueTask DisposeAsync()
    {
        _webhookClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
