using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Gateway;

/// <summary>The shipped 10 MB body limit, a short body deadline and a connection cap, to attack.</summary>
public sealed class SlowClientFixture : GatewayFixture
{
    public const int BodyDeadlineSeconds = 4;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:MaxRequestBodyBytes"] = "10485760";
        settings["TokenPortal:Server:RequestBodyTimeoutSeconds"] = BodyDeadlineSeconds.ToString();
        settings["TokenPortal:Server:MaxConcurrentConnections"] = "5000";
    }
}

/// <summary>
/// Admission before work: a caller is authenticated and counted against its limits before a byte of its body is read,
/// a body is buffered only as far as it actually arrived, and one that trickles is cut off at the deadline.
/// </summary>
public sealed class SlowClientTests(SlowClientFixture gateway) : IClassFixture<SlowClientFixture>
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    [Fact]
    public async Task TwoHundredConnectionsTricklingTenMegabyteBodies_KeepMemoryBounded_AndANormalRequestIsAnswered()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var connections = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => OpenChatAsync(account.Key, TenMegabytes)));
        using var trickling = new CancellationTokenSource();
        var trickle = Task.WhenAll(connections.Select(c => TrickleAsync(c, trickling.Token)));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var during = GC.GetTotalMemory(forceFullCollection: true);

            using var client = gateway.CreateClient(account.Key);
            using var normal = await client.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
            // Old code rented a buffer the size of the declared length: 200 x 16 MB.
            Assert.True(during - baseline < 100 * 1024 * 1024, $"The heap grew by {(during - baseline) / (1024 * 1024)} MB with 200 slow bodies open.");

            var answers = await Task.WhenAll(connections.Select(c => ReadStatusLineAsync(c, TimeSpan.FromSeconds(SlowClientFixture.BodyDeadlineSeconds + 20))));
            Assert.All(answers, status => Assert.StartsWith("HTTP/1.1 408", status));
        }
        finally
        {
            await trickling.CancelAsync();
            await trickle;
            foreach (var connection in connections)
                connection.Dispose();
        }

        // Every in-flight slot came back and nothing was charged.
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task ACallerOverItsRequestLimit_IsRefusedBeforeItsBodyIsSent()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("one a minute", Rpm: 1));
        using var client = gateway.CreateClient(account.Key);
        using var first = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Declares 10 MB and sends none of it: the answer cannot depend on the body.
        using var connection = await OpenChatAsync(account.Key, TenMegabytes);
        var status = await ReadStatusLineAsync(connection, TimeSpan.FromSeconds(SlowClientFixture.BodyDeadlineSeconds - 1));

        Assert.StartsWith("HTTP/1.1 429", status);
    }

    [Fact]
    public async Task ABadKey_IsRefusedBeforeItsBodyIsSent()
    {
        using var connection = await OpenChatAsync("sk-tp-not-a-key", TenMegabytes);

        Assert.StartsWith("HTTP/1.1 401", await ReadStatusLineAsync(connection, TimeSpan.FromSeconds(SlowClientFixture.BodyDeadlineSeconds - 1)));
    }

    [Fact]
    public void ConnectionLimits_ComeFromConfiguration()
    {
        var kestrel = gateway.Factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(5000, kestrel.Limits.MaxConcurrentConnections);
        Assert.Equal(240, kestrel.Limits.MinRequestBodyDataRate!.BytesPerSecond);
    }

    private async Task<TcpClient> OpenChatAsync(string key, int declaredLength)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\nAuthorization: Bearer {key}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {declaredLength}\r\n\r\n"));
        return tcp;
    }

    /// <summary>1 KB every half second: well above Kestrel's minimum rate, far too slow to finish 10 MB before the deadline.</summary>
    private static async Task TrickleAsync(TcpClient connection, CancellationToken stop)
    {
        var chunk = Encoding.ASCII.GetBytes("""{"model":"gpt-test","messages":[{"role":"user","content":" """ + new string('a', 1000));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await connection.GetStream().WriteAsync(chunk, stop);
                chunk = Encoding.ASCII.GetBytes(new string('a', 1024));
                await Task.Delay(500, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // Stopped by the test, or the gateway closed the connection.
        }
    }

    private static async Task<string> ReadStatusLineAsync(TcpClient connection, TimeSpan within)
    {
        var buffer = new byte[256];
        var read = await connection.GetStream().ReadAsync(buffer).AsTask().WaitAsync(within);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
