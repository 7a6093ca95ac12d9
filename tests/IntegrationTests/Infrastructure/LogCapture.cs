
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit;
using ELicense.Core.Identifiers;

[assembly: AssemblyFixture(typeof(ELicense.IntegrationTests.Infrastructure.LogScanAtEnd))]

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>Everything every test server logged (Debug and above), for scanning.</summary>
public sealed partial class LogCapture : ILoggerProvider
{
    public static readonly LogCapture Instance = new();

    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(categoryName, _lines);

    public void Dispose()
    {
    }

    /// <summary>Every valid 18-character identity number in the captured lines.</summary>
    public IReadOnlyList<string> FindIdentityNumbers() =>
        _lines.SelectMany(line => IdentityNumberPattern().Matches(line).Select(m => (Line: line, m.Value)))
            .Where(x => ELicense.Core.Identifiers.IdentityNumber.IsValid(x.Value))
            .Select(x => $"{x.Value} in: {x.Line}")
            .ToList();

    [GeneratedRegex(@"(?<![0-9])[0-9]{17}[0-9X](?![0-9X])")]
    private static partial Regex IdentityNumberPattern();

    private sealed class CaptureLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>After the last test: nothing any test server logged may hold a full identity number.</summary>
public sealed class LogScanAtEnd : IAsyncDisposable
{
    public ValueTask DisposeAsync()
    {
        var found = LogCapture.Instance.FindIdentityNumbers();
        return found.Count == 0
            ? ValueTask.CompletedTask
            : throw new InvalidOperationException(
                $"{found.Count} log line(s) hold a full identity number (of {LogCapture.Instance.Lines.Count} captured):\n" + string.Join("\n", found.Take(10)));
    }
}
