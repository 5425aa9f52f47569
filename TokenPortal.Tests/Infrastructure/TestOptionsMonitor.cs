using Microsoft.Extensions.Options;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>Options that are what the test says they are.</summary>
public sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
