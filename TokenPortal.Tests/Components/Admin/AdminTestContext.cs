using Microsoft.AspNetCore.Components;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>
/// The portal's bUnit context for the admin pages: disposed asynchronously (Mud's popover and pointer services dispose
/// no other way), and rendered as a static page so live-refresh timers stay off.
/// </summary>
public abstract class AdminTestContext : PortalTestContext, IAsyncLifetime
{
    /// <summary>Starts what the page's services need and registers them; nothing may be registered after it.</summary>
    protected virtual Task StartServicesAsync() => Task.CompletedTask;

    /// <summary>Runs after the components are gone: where a test stops the services they used.</summary>
    protected virtual Task DisposeServicesAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await StartServicesAsync();
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DisposeServicesAsync();
    }
}
