using ELicense.Server.Auditing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>
/// The engine-neutral writer (<see cref="AuditWriter"/>) over a real engine's sink: group commit,
/// answers only after the commit, lifecycle, the subject key check. Derive once per engine; the writer's
/// fault handling over a <see cref="FaultInjectingSink"/> is in AuditWriterContract.Faults.cs.
/// </summary>
public abstract partial class AuditWriterContract : IAsyncLifetime
{
    private readonly List<AuditWriter> _writers = [];

    protected AuditContractRecords Records { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Options on this test's storage (xunit makes one instance per test, so storage of its own).</summary>
    protected abstract AuditOptions Options(int maxBatch = 512);

    /// <summary>A new sink, not opened, on this test's storage (called again: a restart, or another replica).</summary>
    protected abstract IAuditSink CreateSink(AuditOptions options);

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            // Bounded: a writer that cannot close (a commit stuck) must fail this test, not hang the run unreported.
            await writer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A writer, not started, disposed with the test.</summary>
    protected AuditWriter Writer(AuditOptions? options = null, TimeProvider? batchClock = null, byte[]? fingerprint = null, IAuditSink? sink = null)
    {
        options ??= Options();
        var writer = new AuditWriter(sink ?? CreateSink(options), options, NullLogger.Instance, batchClock ?? TimeProvider.System, fingerprint);
        _writers.Add(writer);
        return writer;
    }

    /// <summary>A started writer, disposed with the test.</summary>
    protected async Task<AuditWriter> OpenAsync(AuditOptions? options = null, IAuditSink? sink = null)
    {
        var writer = Writer(options, sink: sink);
        await writer.StartAsync(Ct);
        return writer;
    }

    /// <summary>What the storage holds, read through a sink of its own.</summary>
    protected async Task<List<AuditEntry>> StoredAsync()
    {
        await using var sink = CreateSink(Options());
        return await AuditContractRecords.ReadAllAsync(sink, Ct);
    }

    protected async Task<AuditVerification> VerifyAsync()
    {
        await using var sink = CreateSink(Options());
        return await AuditChainVerifier.VerifyAsync(sink, Ct);
    }

    [Theory]
    [InlineData(0, 512)]
    [InlineData(1, 7)] // waits for more records, and cuts batches at MaxBatch
    public async Task AppendAsync_5000From32Tasks_AllAcknowledgedPresentContiguousAndChainVerifies(int delayMs, int maxBatch)
    {
        const int tasks = 32, perTask = 5000 / 32 + 1;
        var options = Options(maxBatch: maxBatch);
        options.MaxBatchDelay = TimeSpan.FromMilliseconds(delayMs);
        var log = await OpenAsync(options);
        var records = Enumerable.Range(0, tasks)
            .Select(t => Enumerable.Range(0, perTask).Select(i => Records.Record($"t{t}-{i}", result: $"r{t}")).ToArray())
            .ToArray();

        await Task.WhenAll(records.Select(batch => Task.Run(async () =>
        {
            foreach (var record in batch)
            {
                await log.AppendAsync(record, Ct);
            }
        }, Ct)));
        await log.DisposeAsync();

        var total = tasks * perTask;
        var stored = await StoredAsync();
        Assert.Equal(total, stored.Count);
        Assert.Equal(1, stored.Min(r => r.Sequence));
        Assert.Equal(total, stored.Max(r => r.Sequence));
        Assert.Equal(total, stored.Select(r => r.Record.CallerId).Where(c => c.StartsWith('t')).Distinct().Count());
        Assert.True(log.Commits < total); // group-committed: batches, not one commit per record
        Assert.Equal(total, log.RecordsCommitted);
        var result = await VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(total, result.RecordsChecked);
        Assert.Equal(total, result.HeadSequence);
    }

    [Fact]
    public async Task AppendAsync_BatchDelaySetButIdle_LoneRecordCommittedWithoutWaiting()
    {
        var options = Options();
        options.MaxBatchDelay = TimeSpan.FromSeconds(1);
        var frozen = new FakeTimeProvider(Records.Time.GetUtcNow());
        var log = Writer(options, frozen);
        await log.StartAsync(Ct);

        // The batch clock never moves: a delay applied while idle would never end.
        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync(Records.Record($"lone{i}"), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }

        Assert.Equal(3, log.Commits);
    }

    [Fact]
    public async Task AppendAsync_BatchDelayUnderLoad_RestWaitsForTheDelayThenAllCommitted()
    {
        var options = Options(maxBatch: 10);
        options.MaxBatchDelay = TimeSpan.FromSeconds(1);
        var clock = new FakeTimeProvider(Records.Time.GetUtcNow());
        var log = Writer(options, clock);
        await log.StartAsync(Ct);

        var appends = Enumerable.Range(0, 50).Select(i => log.AppendAsync(Records.Record($"load{i}"), Ct).AsTask()).ToList();
        await Task.WhenAny(appends).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains(appends, a => !a.IsCompleted); // the rest waits for the delay (the clock is frozen)

        // Each later batch waits one delay: advance until everything is in.
        var all = Task.WhenAll(appends);
        for (var step = 0; step < 100 && !all.IsCompleted; step++)
        {
            clock.Advance(options.MaxBatchDelay);
            await Task.WhenAny(all, Task.Delay(50, Ct));
        }

        await all.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True((await VerifyAsync()).Intact);
        Assert.Equal(50, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task DisposeAsync_BatchDelayPendingOnAFrozenClock_CommitsTheRestAtOnce()
    {
        var options = Options(maxBatch: 10);
        options.MaxBatchDelay = TimeSpan.FromSeconds(1);
        var frozen = new FakeTimeProvider(Records.Time.GetUtcNow());
        var log = Writer(options, frozen);
        await log.StartAsync(Ct);
        var appends = Enumerable.Range(0, 50).Select(i => log.AppendAsync(Records.Record($"held{i}"), Ct).AsTask()).ToList();
        await Task.WhenAny(appends).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The rest waits for a delay on a clock that never moves; closing must not wait for it (it used to, for ever).
        await log.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await Task.WhenAll(appends).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(50, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task AppendAsync_TwoWritersOnOneTrail_OneIntactChain()
    {
        // Replicas share the audit trail as they share the registry.
        var first = await OpenAsync();
        var second = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            (i % 2 == 0 ? first : second).AppendAsync(Records.Record($"w{i}"), Ct).AsTask()));
        await first.DisposeAsync();
        await second.DisposeAsync();

        var result = await VerifyAsync();
        Assert.True(result.Intact, result.ToString());
        Assert.Equal(400, result.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var log = await OpenAsync();
        await log.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await log.AppendAsync(Records.Record("late"), Ct));
    }

    [Fact]
    public async Task DisposeAsync_RecordsStillQueued_CommitsThemAll()
    {
        var log = await OpenAsync();
        var appends = Enumerable.Range(0, 2000).Select(i => log.AppendAsync(Records.Record($"q{i}"), Ct).AsTask()).ToList();

        await log.DisposeAsync();

        await Task.WhenAll(appends); // every one acknowledged, none faulted
        Assert.Equal(2000, (await StoredAsync()).Count);
        Assert.True((await VerifyAsync()).Intact);
    }

    [Fact]
    public async Task DisposeAsync_NeverStarted_QueuedAppendsFailAndNothingIsWritten()
    {
        var log = Writer();
        var queued = log.AppendAsync(Records.Record("unstarted"), Ct).AsTask();

        await log.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.StartAsync(Ct));
    }

    [Fact]
    public async Task AppendAsync_TokenCancelledAfterQueueing_CallerStopsWaitingButRecordIsWritten()
    {
        var log = await OpenAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await log.AppendAsync(Records.Record("gone"), cancelled.Token));
        await log.DisposeAsync();

        Assert.Single(await StoredAsync(), r => r.Record.CallerId == "gone");
    }
}
