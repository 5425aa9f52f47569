namespace TokenPortal.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError);
