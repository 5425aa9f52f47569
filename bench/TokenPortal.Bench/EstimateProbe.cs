using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Bench;

/// <summary>
/// bench/run --estimate: how long the reservation's token estimate takes on adversarial request bodies of 1 MiB
/// (one repeated character, random Unicode, base64, deep JSON...), in milliseconds per MiB. The goal is linear time:
/// under 20 ms per MiB on the worst of them.
/// </summary>
internal static class EstimateProbe
{
    public const double GoalMillisecondsPerMebibyte = 20;
    private const int Size = 1 << 20;

    public static int Run()
    {
        var tokens = new TokenCounter();
        var worst = 0.0;
        Console.WriteLine($"{"input",-28} {"MiB",6} {"tokens",10} {"ms/MiB",8}");
        foreach (var (name, body) in Bodies())
        {
            // Once to warm the JIT and the tokenizer's cache of common pieces, then the best of three.
            var info = ChatRequestReader.Read(body, tokens, out var error);
            if (error is not null)
                throw new InvalidOperationException($"{name}: {error.Message}");
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                ChatRequestReader.Read(body, tokens, out _);
                best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            var mebibytes = body.Length / (double)Size;
            var perMebibyte = best / mebibytes;
            worst = Math.Max(worst, perMebibyte);
            Console.WriteLine($"{name,-28} {mebibytes,6:0.00} {info.EstimatedInputTokens,10:N0} {perMebibyte,8:0.0}");
        }
        var met = worst < GoalMillisecondsPerMebibyte;
        Console.WriteLine($"worst case: {worst:0.0} ms per MiB (goal < {GoalMillisecondsPerMebibyte} ms): {(met ? "pass" : "FAIL")}");
        return met ? 0 : 1;
    }

    private static IEnumerable<(string Name, byte[] Body)> Bodies()
    {
        var random = new Random(42);
        yield return ("english prose", Message(Repeat("The quick brown fox jumps over the lazy dog while the gateway counts every token. ")));
        yield return ("one repeated character", Message(new string('a', Size)));
        yield return ("one repeated CJK character", Message(new string('字', Size / 3)));
        yield return ("repeated punctuation", Message(new string('!', Size)));
        yield return ("digits", Message(new string('7', Size)));
        yield return ("whitespace", Message(new string(' ', Size)));
        yield return ("random letters, no spaces", Message(new string(Enumerable.Range(0, Size).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray())));
        yield return ("random Unicode", Message(RandomUnicode(random, Size / 3)));
        yield return ("base64 blob", Message(Convert.ToBase64String(RandomBytes(random, Size * 3 / 4))));
        yield return ("fake data: URL", Message("data: " + Convert.ToBase64String(RandomBytes(random, Size * 3 / 4))));
        yield return ("escaped \\u sequences", Message(string.Concat(Enumerable.Repeat("\u0001\u0002", Size / 12))));
        yield return ("deep JSON tools", DeepTools());
    }

    private static string Repeat(string text) => string.Concat(Enumerable.Repeat(text, Size / text.Length));

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Code points from the whole BMP but the surrogates, and some from the supplementary planes.</summary>
    private static string RandomUnicode(Random random, int count)
    {
        var text = new StringBuilder(count * 2);
        while (text.Length < count)
        {
            var codePoint = random.Next(8) == 0 ? random.Next(0x10000, 0x30000) : random.Next(0x20, 0xD800);
            text.Append(char.ConvertFromUtf32(codePoint));
        }
        return text.ToString();
    }

    private static byte[] Message(string content) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "m",
        messages = new[] { new { role = "user", content } },
    });

    /// <summary>A tool schema nested as deep as the reader allows, again and again: many short names and strings.</summary>
    private static byte[] DeepTools()
    {
        var json = new StringBuilder("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[""");
        var tool = new StringBuilder();
        for (var depth = 0; depth < 28; depth++)
            tool.Append($$"""{"type":"object","description":"level {{depth}}","properties":{"p{{depth}}":""");
        tool.Append("\"leaf\"");
        tool.Append('}', 56);
        var first = true;
        while (json.Length < Size)
        {
            json.Append(first ? "" : ",").Append("""{"type":"function","function":{"name":"f","parameters":""").Append(tool).Append("}}");
            first = false;
        }
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}
