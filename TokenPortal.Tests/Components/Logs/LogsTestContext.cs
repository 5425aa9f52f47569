using Microsoft.AspNetCore.Components;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>
/// The Logs page as a live circuit renders it (its <c>LiveRefresh</c> asks), torn down asynchronously: MudBlazor's
/// popover services can only be disposed that way, and xUnit v2 disposes a test class synchronously otherwise.
/// </summary>
public abstract class LogsTestContext : PortalTestContext, IAsyncLifetime
{
    /// <summary>After the test class's constructor: the renderer this starts would refuse services registered later.</summary>
    public Task InitializeAsync()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
