using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenPortal.Bench;

/// <summary>Maximum throughput with Debian's wrk (closed loop: each connection sends as soon as its last answer came).</summary>
internal static partial class Wrk
{
    public static async Task<(double RequestsPerSecond, int Errors, string Raw)> RunAsync(BenchTarget target, TimeSpan duration, int connections, string workDirectory,
        string model = "bench-fast")
    {
        var script = Path.Combine(workDirectory, $"post-{target.Name}-{model}.lua");
        var auth = target.Key is null ? "" : $"wrk.headers[\"Authorization\"] = \"Bearer {target.Key}\"\n";
        foreach (var (name, value) in target.Headers ?? new Dictionary<string, string>())
            auth += $"wrk.headers[\"{name}\"] = \"{value}\"\n";
        await File.WriteAllTextAsync(script,
            "wrk.method = \"POST\"\n" +
            "wrk.headers[\"Content-Type\"] = \"application/json\"\n" + auth +
            $"wrk.body = [[{BenchTarget.Body(model, stream: false)}]]\n");

        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "-s", script, target.ChatUrl.ToString() })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        var rps = RequestsLine().Match(output) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var errors = Non2xxLine().Match(output) is { Success: true } e ? int.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return (rps, errors, output);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxLine();
}
