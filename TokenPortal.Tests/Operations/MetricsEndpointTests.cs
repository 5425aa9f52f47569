using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TokenPortal.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Operations;

/// <summary>
/// <c>/metrics</c> as Prometheus scrapes it: after real traffic every metric the operator needs is there, with values
/// that agree with the request log and the ledger, labelled by endpoint, model, provider and class and never by a
/// user, a key or a model name a caller made up; closed to anyone but loopback and the token holder.
/// </summary>
[Collection(TelemetryFixture.Collection)]
public sealed class MetricsEndpointTests(TelemetryFixture gateway) : IClassFixture<TelemetryFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"How are the metrics?\"}]";

    [Fact]
    public async Task AScrapeAfterTraffic_ShowsEachMetric_AgreeingWithTheLogAndTheLedger()
    {
        // Holds open carry no label, and OpenTelemetry listens to every host's meter of that name in this process, so
        // the scrape's figure includes other test classes' requests in flight: this host's own are counted here.
        var holds = new List<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == gateway.Factory.Services.GetRequiredService<TokenPortalMetrics>().Meter
                    && instrument.Name == "tokenportal.ledger.reservations.open")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, delta, _, _) =>
        {
            lock (holds)
                holds.Add(delta);
        });
        listener.Start();
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        const string madeUp = "no-such-model-7f3a9c";

        for (var i = 0; i < 2; i++)
            await SendAsync(client, "v1/chat/completions", $$"""{"model":"{{TelemetryFixture.Echo}}",{{Messages}}}""", HttpStatusCode.OK);
        await SendAsync(client, "v1/chat/completions", $$"""{"model":"{{TelemetryFixture.Echo}}","stream":true,{{Messages}}}""", HttpStatusCode.OK);
        await SendAsync(client, "v1/messages", $$"""{"model":"{{TelemetryFixture.Echo}}","max_tokens":100,{{Messages}}}""", HttpStatusCode.OK);
        await SendAsync(client, "v1/chat/completions", $$"""{"model":"{{TelemetryFixture.Broken}}",{{Messages}}}""", HttpStatusCode.BadGateway);
        await SendAsync(client, "v1/chat/completions", $$"""{"model":"{{madeUp}}",{{Messages}}}""", HttpStatusCode.NotFound);
        var rows = await gateway.LogRowsAsync(account); // waits for every settle, and so for every cost counted

        using var scraper = gateway.CreateClient();
        using var scrape = await scraper.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        var metrics = PrometheusText.Parse(text);

        (string, string) Echo = ("model", TelemetryFixture.Echo);
        // Requests by endpoint, model, provider and status class.
        Assert.Equal(3, metrics.Sum("tokenportal_gateway_requests_total", ("endpoint", "chat/completions"), Echo, ("provider", "fake"), ("status_class", "2xx")));
        Assert.Equal(1, metrics.Sum("tokenportal_gateway_requests_total", ("endpoint", "messages"), Echo, ("status_class", "2xx")));
        Assert.Equal(1, metrics.Sum("tokenportal_gateway_requests_total", ("model", TelemetryFixture.Broken), ("status_class", "5xx")));
        Assert.True(metrics.Sum("tokenportal_gateway_requests_total", ("model", TokenPortalMetrics.Unlisted), ("status_class", "4xx")) >= 1);
        // Latency and time to first token, as histograms with buckets.
        Assert.Equal(3, metrics.Sum("tokenportal_gateway_request_duration_seconds_count", ("endpoint", "chat/completions"), Echo, ("status_class", "2xx")));
        var buckets = metrics.Where("tokenportal_gateway_request_duration_seconds_bucket", ("endpoint", "chat/completions"), Echo, ("status_class", "2xx")).ToList();
        Assert.Equal(3, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.True(metrics.Sum("tokenportal_gateway_request_duration_seconds_sum", Echo) > 0);
        Assert.True(metrics.Sum("tokenportal_gateway_time_to_first_token_seconds_count", ("endpoint", "chat/completions"), Echo) >= 1);
        // Tokens and cost: exactly what the log rows (and through them the ledger) say.
        var served = rows.Where(r => r.Model == TelemetryFixture.Echo).ToList();
        Assert.Equal(4, served.Count);
        Assert.Equal(served.Sum(r => r.PromptTokens), metrics.Sum("tokenportal_gateway_tokens_total", Echo, ("type", "input")));
        Assert.Equal(served.Sum(r => r.CompletionTokens), metrics.Sum("tokenportal_gateway_tokens_total", Echo, ("type", "output")));
        Assert.Equal(served.Sum(r => r.CostMicros), metrics.Sum("tokenportal_gateway_cost_micro_usd_total", Echo));
        Assert.Equal(10_000_000 - await gateway.BalanceAsync(account), metrics.Sum("tokenportal_gateway_cost_micro_usd_total", Echo));
        // Upstream errors by class, and each channel's state.
        Assert.Equal(1, metrics.Sum("tokenportal_upstream_errors_total", ("provider", "fake"), ("model", TelemetryFixture.Broken), ("class", "server_error")));
        Assert.Equal(1, metrics.Sum("tokenportal_channel_state", Echo, ("state", "healthy")));
        Assert.Equal(0, metrics.Sum("tokenportal_channel_state", Echo, ("state", "resting")));
        // The books' machinery: holds open (none at rest), the ledger writer's queue and commits, the log writer's backlog and lag.
        Assert.Contains("tokenportal_ledger_reservations_open", metrics.Types);
        lock (holds)
            Assert.Equal((5, 0L), (holds.Count(d => d > 0), holds.Sum())); // the made-up model's request held nothing
        Assert.Contains("tokenportal_ledger_queue_depth", metrics.Types);
        Assert.True(metrics.Sum("tokenportal_ledger_commit_duration_seconds_count") >= 1);
        Assert.Contains("tokenportal_request_log_pending", metrics.Types);
        Assert.True(metrics.Sum("tokenportal_request_log_lag_seconds_count") >= 1);
        // ASP.NET Core's, HttpClient's and the runtime's own.
        Assert.True(metrics.Sum("http_server_request_duration_seconds_count") >= 6);
        Assert.True(metrics.Sum("http_client_request_duration_seconds_count", ("server_address", "127.0.0.1")) >= 5);
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));

        // Nothing of the caller in any label: not the user, the key, or the model name they made up.
        Assert.DoesNotContain(madeUp, text);
        Assert.DoesNotContain(account.UserId, text);
        Assert.DoesNotContain(account.Key[..12], text);
    }

    [Fact]
    public async Task OnlyLoopbackAndTheTokenHolder_MayScrape_EveryoneElseGetsNotFound()
    {
        using var client = gateway.CreateClient();

        // A caller from outside, as the reverse proxy on this machine reports them.
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(client, forwardedFor: "203.0.113.7", token: null));
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(client, forwardedFor: "203.0.113.7", token: "wrong-token"));
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(client, forwardedFor: "203.0.113.7", token: TelemetryFixture.ScrapeToken + "x"));
        // An outsider who claims to be loopback: the proxy appends the address it saw, and that is the one believed.
        Assert.Equal(HttpStatusCode.NotFound, await ScrapeAsync(client, forwardedFor: "127.0.0.1, 203.0.113.7", token: null));
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(client, forwardedFor: "203.0.113.7", token: TelemetryFixture.ScrapeToken));
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(client, forwardedFor: null, token: null));
    }

    [Fact]
    public async Task WithMetricsTurnedOff_ThereIsNoMetricsPage_EvenForLoopback()
    {
        var directory = Directory.CreateTempSubdirectory("tokenportal-metrics-off");
        var settings = GatewaySettings.Create(Path.Combine(directory.FullName, "gateway.db"), gateway.Upstream.BaseUrl);
        settings["TokenPortal:Operations:MetricsEnabled"] = "false";
        await using (var factory = new GatewayFactory(settings))
        {
            factory.StartServer();
            using var client = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };

            using var metrics = await client.GetAsync("metrics");
            using var ready = await client.GetAsync("readyz");

            Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        directory.Delete(recursive: true);
    }

    private static async Task<HttpStatusCode> ScrapeAsync(HttpClient client, string? forwardedFor, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task SendAsync(HttpClient client, string path, string body, HttpStatusCode expected)
    {
        using var response = await client.PostAsync(path, Json(body));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
    }
}
