using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Components.Keys;

/// <summary>The Keys page's services: <see cref="FakeKeys"/>, a catalog of three models and a clock at 2026-12-04.</summary>
public abstract class KeysTestContext : PortalTestContext, IAsyncLifetime
{
    internal FakeKeys Keys { get; } = new();

    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    protected KeysTestContext()
    {
        Services.AddSingleton<IApiKeyService>(Keys);
        Services.AddSingleton<IApiKeyEditor>(Keys);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<IModelCatalog>(new TestCatalog(TestCatalog.Model("gpt-a"), TestCatalog.Model("gpt-b"), TestCatalog.Model("embed-c", ModelKind.Embedding)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // Mud's services are disposable only asynchronously; xUnit v2 disposes this first, so its later Dispose finds nothing left.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
