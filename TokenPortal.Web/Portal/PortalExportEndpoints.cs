using System.Globalization;
using System.Security.Claims;
using System.Text;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Web.Portal;

/// <summary>Downloads for signed-in users: the Logs page's CSV export, always of the caller's own rows.</summary>
internal static class PortalExportEndpoints
{
    private const string Header = "time_utc,request_id,model,provider,key_prefix,status,error_code,stream,prompt_tokens,cached_tokens,completion_tokens,cost_usd,latency_ms,ttft_ms,usage_estimated,upstream_model,attempts,finish_reason";

    public static IEndpointRouteBuilder MapPortalExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal/logs.csv", ExportLogsAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> ExportLogsAsync(HttpContext context, IRequestLogQueries logs, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        if (!TryReadFilter(context.Request.Query, clock.GetUtcNow(), out var filter, out var problem))
            return TypedResults.BadRequest(problem);

        var response = context.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"tokenportal-logs-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        await writer.WriteLineAsync(Header);
        await foreach (var r in logs.StreamAsync(userId, filter, cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                r.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                Csv(r.RequestId), Csv(r.Model), Csv(r.Provider), Csv(r.KeyPrefix),
                r.Status.ToString(CultureInfo.InvariantCulture), Csv(r.ErrorCode ?? ""), r.Stream ? "true" : "false",
                r.PromptTokens.ToString(CultureInfo.InvariantCulture), r.CachedTokens.ToString(CultureInfo.InvariantCulture),
                r.CompletionTokens.ToString(CultureInfo.InvariantCulture), MicroUsd.Format(r.CostMicros),
                r.LatencyMs.ToString(CultureInfo.InvariantCulture), r.TimeToFirstTokenMs?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.UsageEstimated ? "true" : "false", Csv(r.UpstreamModel ?? ""), r.Attempts.ToString(CultureInfo.InvariantCulture), Csv(r.FinishReason ?? "")));
        }
        return TypedResults.Empty;
    }

    /// <summary>Reads the filter the Logs page wrote into the link; anything malformed is a 400, never a guess.</summary>
    internal static bool TryReadFilter(IQueryCollection query, DateTimeOffset now, out LogFilter filter, out string? problem)
    {
        filter = null!;
        problem = null;
        if (!TryTime(query["from"], now.AddDays(-7), out var from) || !TryTime(query["to"], now.AddMinutes(1), out var to))
            problem = "'from' and 'to' must be Unix milliseconds.";
        else if (!Enum.TryParse<LogStatusFilter>(query["status"].ToString() is { Length: > 0 } s ? s : "All", true, out var status))
            problem = "'status' must be All, Succeeded or Failed.";
        else if (!Enum.TryParse<LogSortColumn>(query["sort"].ToString() is { Length: > 0 } c ? c : "Time", true, out var sort))
            problem = "'sort' must be Time, Cost, Latency or Tokens.";
        else if (!TryOptionalLong(query["key"], out var key) || !TryOptionalLong(query["minCostMicros"], out var minCost))
            problem = "'key' and 'minCostMicros' must be whole numbers.";
        else
        {
            filter = new LogFilter(from, to, query["model"].ToString() is { Length: > 0 } m ? m : null, key, status, minCost, sort,
                !string.Equals(query["desc"], "false", StringComparison.OrdinalIgnoreCase));
            return true;
        }
        return false;
    }

    private static bool TryTime(string? value, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        if (string.IsNullOrEmpty(value))
            return true;
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) || ms < 0 || ms > 253402300799999)
            return false;
        time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    private static bool TryOptionalLong(string? value, out long? result)
    {
        result = null;
        if (string.IsNullOrEmpty(value))
            return true;
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            return false;
        result = parsed;
        return true;
    }

    /// <summary>RFC 4180 quoting, and a leading quote mark on values a spreadsheet would run as a formula.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
