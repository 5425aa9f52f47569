using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry with the scopes it was logged in, as a console with scopes would print them.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<Entry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <param name="Scopes">Each scope's named values, outermost first.</param>
    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Scopes)
    {
        public IEnumerable<object?> ScopeValues(string name) => Scopes.Where(s => s.Key == name).Select(s => s.Value);
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<KeyValuePair<string, object?>>();
            owner._scopes.ForEachScope((scope, list) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    list.AddRange(values);
            }, scopes);
            owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), scopes));
        }
    }
}
