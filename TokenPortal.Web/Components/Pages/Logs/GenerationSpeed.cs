using System.Globalization;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Components.Pages.Logs;

/// <summary>How fast a request's answer came, in completion tokens per second, and over which time that was measured.</summary>
/// <param name="AfterFirstToken">
/// True for a stream: measured from its first token to its last, so the wait before the model started does not count.
/// False for a whole reply, which has no first token of its own, and for a stream whose tokens all came at once:
/// measured over the whole latency.
/// </param>
/// <param name="Streamed">Whether the answer was a stream, which decides how the basis is worded.</param>
internal readonly record struct GenerationSpeed(double TokensPerSecond, bool AfterFirstToken, bool Streamed)
{
    /// <summary>Null when nothing was generated or no time was measured.</summary>
    public static GenerationSpeed? Of(RequestLogRecord row)
    {
        if (row.CompletionTokens <= 0)
            return null;
        if (row.Stream && row.TimeToFirstTokenMs is { } firstToken && row.LatencyMs > firstToken)
            return new GenerationSpeed(row.CompletionTokens * 1000.0 / (row.LatencyMs - firstToken), AfterFirstToken: true, Streamed: true);
        return row.LatencyMs > 0 ? new GenerationSpeed(row.CompletionTokens * 1000.0 / row.LatencyMs, AfterFirstToken: false, row.Stream) : null;
    }

    public string Text => TokensPerSecond.ToString(TokensPerSecond < 10 ? "0.0" : "#,##0", CultureInfo.InvariantCulture) + " tokens/s";

    public string Basis => (AfterFirstToken, Streamed) switch
    {
        (true, _) => "Completion tokens ÷ (latency − time to first token): streamed, so measured from the first token to the last.",
        (false, true) => "Completion tokens ÷ latency: streamed, but its tokens came together, so the wait before the model started is included.",
        _ => "Completion tokens ÷ latency: a whole reply, so the wait before the model started is included.",
    };
}
