using System.Globalization;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Components.Pages.Logs;

/// <summary>How fast a request's answer came, in completion tokens per second, and over which time that was measured.</summary>
/// <param name="AfterFirstToken">
/// True for a stream: measured from its first token to its last, so the wait before the model started does not count.
/// False for a whole reply, which has no first token of its own: measured over the whole latency.
/// </param>
internal readonly record struct GenerationSpeed(double TokensPerSecond, bool AfterFirstToken)
{
    /// <summary>Null when nothing was generated or no time was measured.</summary>
    public static GenerationSpeed? Of(RequestLogRecord row)
    {
        if (row.CompletionTokens <= 0)
            return null;
        if (row.Stream && row.TimeToFirstTokenMs is { } firstToken && row.LatencyMs > firstToken)
            return new GenerationSpeed(row.CompletionTokens * 1000.0 / (row.LatencyMs - firstToken), AfterFirstToken: true);
        return row.LatencyMs > 0 ? new GenerationSpeed(row.CompletionTokens * 1000.0 / row.LatencyMs, AfterFirstToken: false) : null;
    }

    public string Text => TokensPerSecond.ToString(TokensPerSecond < 10 ? "0.0" : "#,##0", CultureInfo.InvariantCulture) + " tokens/s";

    public string Basis => AfterFirstToken
        ? "Completion tokens ÷ (latency − time to first token): streamed, so measured from the first token to the last."
        : "Completion tokens ÷ latency: a whole reply, so the wait before the model started is included.";
}
