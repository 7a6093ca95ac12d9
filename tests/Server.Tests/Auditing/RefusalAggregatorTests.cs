using ELicense.Server.Auditing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class RefusalAggregatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, 250, TimeSpan.Zero));
    private readonly MemoryLog _log = new();
    private RefusalAggregator _aggregator = null!;

    public async ValueTask InitializeAsync() => await StartAsync(new RefusalAuditOptions());

    private async Task StartAsync(RefusalAuditOptions options)
    {
        _aggregator?.Dispose();
        _aggregator = new RefusalAggregator(_log, _time, NullLogger<RefusalAggregator>.Instance, Options.Create(options));
        await _aggregator.StartAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _aggregator.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task EndSecondAsync()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        await _aggregator.LastFlush;
    }

    [Fact]
    public async Task Record_ManyInOneSecond_OneRecordWithTheirCountWhenTheSecondEnds()
    {
        for (var i = 0; i < 500; i++)
        {
            _aggregator.Record("officer-1", "GetLicense", "L:aa", "ResourceExhausted");
        }

        Assert.Empty(_log.Records); // nothing before the second has ended
        await EndSecondAsync();

        var record = Assert.Single(_log.Records);
        Assert.Equal(("officer-1", "GetLicense", "L:aa", "ResourceExhausted", 500), (record.CallerId, record.Method, record.Subject, record.Result, record.Count));
        Assert.Equal(_time.Start, record.Time); // the first refusal's time
    }

    [Fact]
    public async Task Record_DifferentResultsCallersAndSeconds_OneRecordEach()
    {
        _aggregator.Record("officer-1", "GetLicense", "", "ResourceExhausted");
        _aggregator.Record("officer-1", "GetLicense", "", "InvalidArgument");
        _aggregator.Record("officer-2", "GetLicense", "", "ResourceExhausted");
        await EndSecondAsync();
        var first = _log.Records.Count;
        _aggregator.Record("officer-1", "GetLicense", "", "ResourceExhausted"); // the same as the first, a second later
        await EndSecondAsync();

        Assert.Equal(3, first);
        Assert.Equal(4, _log.Records.Count);
        Assert.All(_log.Records, r => Assert.Equal(1, r.Count));
    }

    [Fact]
    public async Task Record_PastMaxRecordsPerSecond_FurtherSubjectsCountedWithoutSubject()
    {
        await StartAsync(new RefusalAuditOptions { MaxRecordsPerSecond = 3 });
        for (var i = 0; i < 10; i++)
        {
            _aggregator.Record("officer-1", "GetLicense", $"L:{i}", "ResourceExhausted");
        }

        await EndSecondAsync();

        Assert.Equal(["", "L:0", "L:1", "L:2"], _log.Records.Select(r => r.Subject).Order());
        Assert.Equal(7, Assert.Single(_log.Records, r => r.Subject.Length == 0).Count);
    }

    [Fact]
    public async Task Record_PastMaxRecordsPerSecond_StrangersFromManyPeersCountedAsOne()
    {
        await StartAsync(new RefusalAuditOptions { MaxRecordsPerSecond = 2 });
        for (var i = 0; i < 50; i++)
        {
            _aggregator.Record($"anonymous:{i:x32}", "GetLicense", "", "Unauthenticated");
        }

        await EndSecondAsync();

        Assert.Equal(3, _log.Records.Count);
        Assert.Equal(48, Assert.Single(_log.Records, r => r.CallerId == RefusalAggregator.ManyAnonymous).Count);
    }

    [Fact]
    public async Task StopAsync_RefusalsOfTheCurrentSecond_Written()
    {
        _aggregator.Record("anonymous:ab", "GetLicense", "", "Unauthenticated");
        _aggregator.Record("anonymous:ab", "GetLicense", "", "Unauthenticated");

        await _aggregator.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(_log.Records).Count);
    }

    private sealed class MemoryLog : IAuditLog
    {
        private readonly List<AuditRecord> _records = [];

        public IReadOnlyList<AuditRecord> Records
        {
            get
            {
                lock (_records)
                {
                    return [.. _records];
                }
            }
        }

        public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
        {
            lock (_records)
            {
                _records.Add(record);
            }

            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<AuditEntry>> ListBySubjectAsync(string subject, long? beforeSequence, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
