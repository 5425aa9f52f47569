using TokenPortal.Web.Cli;
using TokenPortal.Web.Extensions;

if (AdminCli.IsAdminCommand(args))
    return await AdminCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(HostingDefaults.Options(args));
builder.AddTokenPortal();

var app = builder.Build();
app.MapTokenPortal();
await app.RunAsync();
return 0;

/// <summary>The entry point; public so tests can host it.</summary>
public partial class Program;
