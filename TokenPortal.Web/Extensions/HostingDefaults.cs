namespace TokenPortal.Web.Extensions;

/// <summary>
/// Where the host finds its files. Operators start the binary from anywhere (systemd, a shell in another folder):
/// appsettings.json, wwwroot and the static web assets must come from the binary's folder, not the working directory,
/// unless a content root is given explicitly (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>; the test host does).
/// </summary>
internal static class HostingDefaults
{
    public static WebApplicationOptions Options(string[] args)
    {
        var explicitRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return new WebApplicationOptions { Args = args, ContentRootPath = explicitRoot ? null : AppContext.BaseDirectory };
    }
}
