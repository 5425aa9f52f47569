namespace TokenPortal.Bench;

/// <summary>Latency percentiles in microseconds.</summary>
internal sealed record Percentiles(int Count, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Of(IReadOnlyList<double> micros)
    {
        if (micros.Count == 0)
            return new Percentiles(0, 0, 0, 0, 0, 0);
        var sorted = micros.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.90), At(0.99), At(0.999), sorted[^1]);
    }
}
