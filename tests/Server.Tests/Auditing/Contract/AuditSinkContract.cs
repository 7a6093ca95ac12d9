using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>
/// What every audit storage engine must do (<see cref="IAuditSink"/>): derive once per engine and give
/// <see cref="CreateSink"/>. xunit makes one instance per test, so each test has storage of its own.
/// </summary>
public abstract partial class AuditSinkContract : IAsyncLifetime
{
    private readonly List<IAuditSink> _sinks = [];

    protected AuditContractRecords Records { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A new sink, not opened, on this test's storage: the first call sees empty storage, later calls the
    /// same storage again (a restart, or a second replica when the first is still open).
    /// </summary>
    protected abstract IAuditSink CreateSink();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A sink opened with <paramref name="fingerprint"/>, disposed with the test.</summary>
    protected async Task<IAuditSink> OpenAsync(byte[]? fingerprint = null)
    {
        var sink = CreateSink();
        _sinks.Add(sink);
        await sink.OpenAsync(fingerprint, Ct);
        return sink;
    }

    /// <summary>Appends <paramref name="count"/> records (callers prefix1..prefixN) as one batch.</summary>
    protected async Task<List<AuditRecord>> AppendAsync(IAuditSink sink, string prefix, int count, Action? beforeCommit = null)
    {
        var batch = new AuditBatch { BeforeCommit = beforeCommit };
        var records = Enumerable.Range(1, count).Select(i => Records.Record($"{prefix}{i}", subject: $"L:{i % 3}")).ToList();
        records.ForEach(batch.Add);
        await sink.AppendAsync(batch, Ct);
        return records;
    }

    protected static async Task<AuditStoredHead> HeadAsync(IAuditSink sink)
    {
        await using var view = await sink.OpenViewAsync(Ct);
        return await view.ReadHeadAsync(Ct);
    }

    [Fact]
    public async Task OpenAsync_EmptyStorage_HeadIsZeroAndNoRecords()
    {
        var sink = await OpenAsync();

        var head = await HeadAsync(sink);
        Assert.Equal((0L, 0L), (head.Count, head.Sequence));
        Assert.Equal(new byte[AuditChain.HashSize], head.Hash);
        await using var view = await sink.OpenViewAsync(Ct);
        Assert.Null(await view.LastAsync(Ct));
        Assert.Empty(await AuditContractRecords.ReadAllAsync(sink, Ct));
    }

    [Fact]
    public async Task AppendAsync_OneBatch_ReadBackInOrderWithTheHeadOfTheLast()
    {
        var sink = await OpenAsync();
        var appended = await AppendAsync(sink, "a", 3);

        var stored = await AuditContractRecords.ReadAllAsync(sink, Ct);
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.Sequence));
        Assert.Equal(appended, stored.Select(e => e.Record)); // every field round-trips
        await using var view = await sink.OpenViewAsync(Ct);
        var last = await view.LastAsync(Ct);
        var head = await view.ReadHeadAsync(Ct);
        Assert.Equal((3L, 3L), (head.Count, head.Sequence));
        Assert.Equal(last!.Value.Hash.ToArray(), head.Hash);
    }

    [Fact]
    public async Task AppendAsync_ManyBatchesAcrossBlocks_ContiguousOrderedAndTheChainVerifies()
    {
        var sink = await OpenAsync();
        var sizes = new[] { 1, AuditChain.MaxBlockRecords, AuditChain.MaxBlockRecords + 1, 7, 300 };
        var appended = new List<AuditRecord>();
        for (var b = 0; b < sizes.Length; b++)
        {
            appended.AddRange(await AppendAsync(sink, $"b{b}-", sizes[b]));
        }

        var stored = await AuditContractRecords.ReadAllAsync(sink, Ct);
        Assert.Equal(Enumerable.Range(1, appended.Count).Select(i => (long)i), stored.Select(e => e.Sequence));
        Assert.Equal(appended, stored.Select(e => e.Record));
        var result = await AuditChainVerifier.VerifyAsync(sink, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(appended.Count, result.RecordsChecked);

        await using var view = await sink.OpenViewAsync(Ct);
        foreach (var after in new long[] { 0, 1, 127, 128, 129, 400, appended.Count - 1, appended.Count })
        {
            var read = new List<long>();
            await foreach (var entry in view.ReadAfterAsync(after, Ct))
            {
                read.Add(entry.Sequence);
            }

            Assert.Equal(Enumerable.Range((int)after + 1, appended.Count - (int)after).Select(i => (long)i), read);
        }
    }

    [Fact]
    public async Task EntryAtAsync_EachRecordAndNone_ItsHashOrNull()
    {
        var sink = await OpenAsync();
        await AppendAsync(sink, "e", 200);
        var stored = new List<TrailEntry>();
        await using var view = await sink.OpenViewAsync(Ct);
        await foreach (var entry in view.ReadAfterAsync(null, Ct))
        {
            stored.Add(entry);
        }

        foreach (var sequence in new long[] { 1, 2, 128, 129, 200 })
        {
            var entry = await view.EntryAtAsync(sequence, Ct);
            Assert.Equal(stored[(int)sequence - 1].Hash.ToArray(), entry!.Value.Hash.ToArray());
        }

        Assert.Null(await view.EntryAtAsync(0, Ct));
        Assert.Null(await view.EntryAtAsync(201, Ct));
        Assert.Equal(200, (await view.LastAsync(Ct))!.Value.Sequence);
    }

    [Fact]
    public async Task OpenAsync_AfterRestart_HeadWhereTheLastCommitLeftItAndTheChainContinues()
    {
        var first = await OpenAsync();
        await AppendAsync(first, "before", 10);
        var headBefore = await HeadAsync(first);
        await first.DisposeAsync();

        var second = await OpenAsync();
        var headAfter = await HeadAsync(second);
        Assert.Equal((headBefore.Count, headBefore.Sequence), (headAfter.Count, headAfter.Sequence));
        Assert.Equal(headBefore.Hash, headAfter.Hash);
        await AppendAsync(second, "after", 5);

        var stored = await AuditContractRecords.ReadAllAsync(second, Ct);
        Assert.Equal(11, stored.Single(e => e.Record.CallerId == "after1").Sequence);
        var result = await AuditChainVerifier.VerifyAsync(second, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(15, result.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_FailsAfterWritingBeforeCommit_NothingHalfWrittenAndTheNextBatchContinues()
    {
        var sink = await OpenAsync();
        await AppendAsync(sink, "kept", 3);
        var headBefore = await HeadAsync(sink);

        // Blocks and head are written when Committing runs: failing there proves the transaction rolls back.
        await Assert.ThrowsAsync<IOException>(() => AppendAsync(sink, "doomed", AuditChain.MaxBlockRecords + 5,
            beforeCommit: () => throw new IOException("injected failure before commit")));

        var headAfter = await HeadAsync(sink);
        Assert.Equal((headBefore.Count, headBefore.Sequence), (headAfter.Count, headAfter.Sequence));
        Assert.Equal(headBefore.Hash, headAfter.Hash);
        Assert.DoesNotContain(await AuditContractRecords.ReadAllAsync(sink, Ct), e => e.Record.CallerId.StartsWith("doomed", StringComparison.Ordinal));

        await sink.OpenAsync(null, Ct); // the writer opens the sink again after a failed append
        await AppendAsync(sink, "next", 2);
        var stored = await AuditContractRecords.ReadAllAsync(sink, Ct);
        Assert.Equal(4, stored.Single(e => e.Record.CallerId == "next1").Sequence);
        Assert.True((await AuditChainVerifier.VerifyAsync(sink, Ct)).Intact);
    }

    [Fact]
    public async Task AppendAsync_TwoSinksOnOneStorage_EachContinuesTheOthersHead()
    {
        // Replicas sharing a trail: the head is read inside each append's transaction, never from memory.
        var first = await OpenAsync();
        var second = await OpenAsync();
        for (var round = 0; round < 5; round++)
        {
            await AppendAsync(first, $"first{round}-", 3);
            await AppendAsync(second, $"second{round}-", 2);
        }

        var result = await AuditChainVerifier.VerifyAsync(first, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(25, result.RecordsChecked);
        Assert.Equal(4, (await AuditContractRecords.ReadAllAsync(second, Ct)).Single(e => e.Record.CallerId == "second0-1").Sequence);
    }

    [Fact]
    public async Task OpenAsync_SubjectKeyFingerprint_FirstIsStoredAndReturnedToEveryLaterOpen()
    {
        byte[] mine = [.. Enumerable.Repeat((byte)1, 32)], other = [.. Enumerable.Repeat((byte)2, 32)];
        var first = CreateSink();
        _sinks.Add(first);
        Assert.Equal(mine, await first.OpenAsync(mine, Ct));
        Assert.Null(await first.OpenAsync(null, Ct)); // tools claim nothing
        await first.DisposeAsync();

        var second = CreateSink();
        _sinks.Add(second);
        Assert.Equal(mine, await second.OpenAsync(other, Ct)); // the stored one, for the writer to compare
    }

    [Fact]
    public async Task SubjectIndex_BeforeAndAfterAPass_SameRecordsNewestFirstBelowTheCursor()
    {
        var sink = await OpenAsync();
        await sink.SubjectIndex.OpenAsync(Ct);
        await AppendAsync(sink, "x", 30); // subjects L:0, L:1, L:2 in turn

        var unindexed = await sink.SubjectIndex.ListAsync("L:1", long.MaxValue, 100, Ct);
        Assert.Equal(30, await sink.SubjectIndex.IndexOnceAsync(Ct));
        await AppendAsync(sink, "y", 6); // after the pass: served from the trail's tail
        var mixed = await sink.SubjectIndex.ListAsync("L:1", long.MaxValue, 100, Ct);
        var page = await sink.SubjectIndex.ListAsync("L:1", 20, 3, Ct);

        Assert.Equal(Enumerable.Range(1, 30).Where(i => i % 3 == 1).Select(i => (long)i).Reverse(), unindexed.Select(e => e.Sequence));
        Assert.Equal([34L, 31L, .. unindexed.Select(e => e.Sequence)], mixed.Select(e => e.Sequence));
        Assert.All(mixed, e => Assert.Equal("L:1", e.Record.Subject));
        Assert.Equal([19L, 16L, 13L], page.Select(e => e.Sequence));
        Assert.Empty(await sink.SubjectIndex.ListAsync("L:none", long.MaxValue, 10, Ct));
        Assert.Equal(6, await sink.SubjectIndex.IndexOnceAsync(Ct)); // the next pass takes in the 6 since
    }
}
