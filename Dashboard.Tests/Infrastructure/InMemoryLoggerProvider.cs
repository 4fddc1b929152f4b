using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Keeps an app's log lines in memory, so a failing test can show them and tests can assert on them,
/// without writing every app's console output into the test run's log.
/// </summary>
public sealed class InMemoryLoggerProvider : ILoggerProvider
{
    /// <summary>Lines kept; older lines are dropped so a long test cannot exhaust memory.</summary>
    public const int MaxLines = 20_000;

    private readonly ConcurrentQueue<LogLine> _lines = new();

    /// <summary>Every kept line, oldest first.</summary>
    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    /// <summary>Returns the kept lines as text, one per line, for failure messages.</summary>
    public string Text() => string.Join('\n', _lines.Select(line => line.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogLine line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > MaxLines && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(InMemoryLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(new LogLine(DateTimeOffset.UtcNow, logLevel, category, eventId, formatter(state, exception), exception));
            }
        }
    }
}

/// <summary>One log line of an app under test.</summary>
public sealed record LogLine(DateTimeOffset Time, LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{Time:HH:mm:ss.fff} {Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : "\n" + Exception)}";
}
