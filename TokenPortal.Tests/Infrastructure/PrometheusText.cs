using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A Prometheus text exposition, parsed as a scraper reads it: one sample per line, with its labels.</summary>
public sealed partial class PrometheusText
{
    private PrometheusText(List<Sample> samples, HashSet<string> types) => (Samples, Types) = (samples, types);

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The metric families declared by <c># TYPE</c> lines.</summary>
    public IReadOnlySet<string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                types.Add(line.Split(' ')[2]);
                continue;
            }
            if (line.StartsWith('#'))
                continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
                labels[label.Groups["name"].Value] = Regex.Unescape(label.Groups["value"].Value);
            samples.Add(new Sample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }
        return new PrometheusText(samples, types);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Where(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The sum over <see cref="Where"/>: one series' value, or a total across the labels not named.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) => Where(name, labels).Sum(s => s.Value);

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)",?""")]
    private static partial Regex Label();
}
