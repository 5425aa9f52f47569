using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TokenPortal.Web.Gateway;

namespace TokenPortal.Tests.Gateway;

/// <summary>The id and the last line of defence every API request runs inside.</summary>
public sealed class GatewayRequestPipelineTests
{
    [Fact]
    public async Task EveryRequest_GetsItsOwnId_InTheHeaderAndTheTraceIdentifier()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var context = NewContext("/v1/chat/completions");
            await GatewayRequestPipeline.InvokeAsync(context, _ => Task.CompletedTask, NullLogger.Instance);
            var id = context.Response.Headers["x-request-id"].ToString();
            Assert.Matches("^req_[0-9a-f]{32}$", id);
            Assert.Equal(id, context.TraceIdentifier);
            Assert.True(seen.Add(id));
        }
    }

    [Fact]
    public async Task LaterRequests_GetIdsThatSortLater_SoTheRequestIdIndexesGrowAtTheirEnd()
    {
        var earlier = GatewayRequestPipeline.NewRequestId();
        await Task.Delay(5);
        var later = GatewayRequestPipeline.NewRequestId();
        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Fact]
    public async Task AFaultOfOurs_IsAnOpenAIShaped500_NotAStackTrace()
    {
        var context = NewContext("/v1/chat/completions");
        await GatewayRequestPipeline.InvokeAsync(context, _ => throw new InvalidOperationException("secret detail"), NullLogger.Instance);

        Assert.Equal(500, context.Response.StatusCode);
        var body = Body(context);
        Assert.DoesNotContain("secret detail", body);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
        Assert.Equal("internal_error", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADatabaseFailure_Is503_AndTheMessagesEndpointAnswersInAnthropicsShape()
    {
        var context = NewContext("/v1/messages");
        await GatewayRequestPipeline.InvokeAsync(context, _ => throw new SqliteException("database is locked", 5), NullLogger.Instance);

        Assert.Equal(503, context.Response.StatusCode);
        var json = JsonNode.Parse(Body(context))!;
        Assert.Equal("error", json["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["error"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AFaultAfterTheAnswerStarted_AbortsTheConnection_SoACutOffBodyNeverLooksComplete()
    {
        var context = NewContext("/v1/chat/completions");
        var started = new StartedResponseFeature();
        context.Features.Set<IHttpResponseFeature>(started);
        var lifetime = new AbortRecorder();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);

        await GatewayRequestPipeline.InvokeAsync(context, _ => throw new InvalidOperationException("mid-stream"), NullLogger.Instance);

        Assert.True(lifetime.Aborted);
        Assert.Equal(200, context.Response.StatusCode);
    }

    private static DefaultHttpContext NewContext(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private sealed class StartedResponseFeature : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }

    private sealed class AbortRecorder : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }
}
