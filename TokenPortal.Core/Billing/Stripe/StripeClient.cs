using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// <see cref="IStripeClient"/> over <see cref="HttpClient"/>: form-encoded writes with an <c>Idempotency-Key</c>,
/// the secret key from options on every request (never static), and Stripe's error object raised as
/// <see cref="StripeException"/>.
/// </summary>
internal sealed class StripeClient(HttpClient http, IOptionsMonitor<StripeOptions> options) : IStripeClient
{
    private static readonly StripeJsonContext Json = StripeJsonContext.Default;

    public Task<StripeCustomer> CreateCustomerAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken) =>
        PostAsync("v1/customers", form, idempotencyKey, Json.StripeCustomer, cancellationToken);

    public Task<StripeCheckoutSession> CreateCheckoutSessionAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken) =>
        PostAsync("v1/checkout/sessions", form, idempotencyKey, Json.StripeCheckoutSession, cancellationToken);

    public Task<StripeCheckoutSession> GetCheckoutSessionAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/checkout/sessions/{Uri.EscapeDataString(id)}", Json.StripeCheckoutSession, cancellationToken);

    public Task<StripeSetupIntent> GetSetupIntentAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/setup_intents/{Uri.EscapeDataString(id)}", Json.StripeSetupIntent, cancellationToken);

    public Task<StripePaymentMethod> GetPaymentMethodAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/payment_methods/{Uri.EscapeDataString(id)}", Json.StripePaymentMethod, cancellationToken);

    public Task<StripePaymentIntent> CreatePaymentIntentAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken) =>
        PostAsync("v1/payment_intents", form, idempotencyKey, Json.StripePaymentIntent, cancellationToken);

    public Task<StripePaymentIntent> GetPaymentIntentAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/payment_intents/{Uri.EscapeDataString(id)}", Json.StripePaymentIntent, cancellationToken);

    public Task<StripeCharge> GetChargeAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/charges/{Uri.EscapeDataString(id)}", Json.StripeCharge, cancellationToken);

    public Task<StripeDispute> GetDisputeAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"v1/disputes/{Uri.EscapeDataString(id)}", Json.StripeDispute, cancellationToken);

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), type, cancellationToken);

    private Task<T> PostAsync<T>(string path, StripeForm form, string idempotencyKey, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form.ToContent() };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendAsync(request, type, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using (request)
        {
            var settings = options.CurrentValue;
            if (string.IsNullOrWhiteSpace(settings.SecretKey))
                throw new InvalidOperationException("Stripe is not configured (TokenPortal:Stripe:SecretKey).");
            request.RequestUri = new Uri(settings.ApiRoot, request.RequestUri!);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.SecretKey);
            using var response = await http.SendAsync(request, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var error = await TryReadAsync(body, Json.StripeErrorEnvelope, cancellationToken);
                throw new StripeException((int)response.StatusCode, error?.Error ?? new StripeError("api_error", null, null, null, null));
            }
            return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
                ?? throw new JsonException($"Stripe answered {request.RequestUri.AbsolutePath} with null.");
        }
    }

    private static async Task<T?> TryReadAsync<T>(Stream body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(body, type, cancellationToken);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
