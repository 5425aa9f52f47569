namespace TokenPortal.Bench;

/// <summary>CPU time a process has used so far (user + system), from /proc.</summary>
internal static class ProcessCpu
{
    public static TimeSpan Of(int processId)
    {
        // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux); the name in field 2 may hold spaces.
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
    }
}
