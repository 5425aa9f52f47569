namespace TokenPortal.Bench;

/// <summary>Resident memory of a process (VmRSS), from /proc.</summary>
internal static class ProcessMemory
{
    public static double ResidentMegabytes(int processId)
    {
        var status = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return status is null ? 0 : long.Parse(status.AsSpan(6).Trim().TrimEnd("kB").Trim()) / 1024.0;
    }
}
