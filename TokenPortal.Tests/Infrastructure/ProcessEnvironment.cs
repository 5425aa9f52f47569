namespace TokenPortal.Tests.Infrastructure;

/// <summary>Test settings as environment variables (<c>TokenPortal__...</c>), for the app run as a process.</summary>
public static class ProcessEnvironment
{
    public static Dictionary<string, string> For(string databasePath, Uri upstream, int timeoutSeconds = 60) =>
        GatewaySettings.Create(databasePath, upstream, timeoutSeconds)
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key.Replace(":", "__"), pair => pair.Value!);
}
