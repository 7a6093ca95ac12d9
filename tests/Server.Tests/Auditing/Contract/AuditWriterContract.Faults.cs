using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>
/// The writer's contract at the moments that matter, over the real sink wrapped in a
/// <see cref="FaultInjectingSink"/>: an answer waits for its commit, a failed commit fails every call
/// waiting on it, and the writer recovers by opening the sink again.
/// </summary>
public abstract partial class AuditWriterContract
{
    private async Task<(AuditWriter Log, FaultInjectingSink Sink, AuditCommitState State)> OpenFaultyAsync(int maxBatch = 512)
    {
        var options = Options(maxBatch);
        var sink = new FaultInjectingSink(CreateSink(options));
        var log = await OpenAsync(options, sink);
        return (log, sink, log.CommitState);
    }

    [Fact]
    public async Task AppendAsync_CommitHeld_CallerAnsweredOnlyAfterTheCommit()
    {
        var (log, sink, _) = await OpenFaultyAsync();
        sink.Hold();

        var append = log.AppendAsync(Records.Record("waiting"), Ct).AsTask();
        await sink.AppendArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.False(append.IsCompleted); // the batch is with the sink, not yet committed: no answer
        Assert.Empty(await StoredAsync());

        sink.Release();
        await append.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Single(await StoredAsync(), r => r.Record.CallerId == "waiting");
        Assert.Equal(1, log.Commits);
    }

    [Fact]
    public async Task AppendAsync_RecordsArrivingDuringACommit_ShareTheNextCommit()
    {
        var (log, sink, _) = await OpenFaultyAsync();
        sink.Hold();
        var first = log.AppendAsync(Records.Record("first"), Ct).AsTask();
        await sink.AppendArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var later = Enumerable.Range(0, 100).Select(i => log.AppendAsync(Records.Record($"later{i}"), Ct).AsTask()).ToList();
        Assert.Equal(100, log.QueueDepth);
        sink.Release();
        await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal([1, 100], sink.CommittedBatches); // one group commit for all that queued meanwhile
        Assert.Equal((2L, 101L), (log.Commits, log.RecordsCommitted));
        Assert.True((await VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AppendAsync_CommitFails_EveryWaitingCallFaultsNothingAcknowledgedThenRecovers()
    {
        var (log, sink, state) = await OpenFaultyAsync();
        await log.AppendAsync(Records.Record("before"), Ct);
        sink.Hold();
        var doomed = Enumerable.Range(0, 20).Select(i => log.AppendAsync(Records.Record($"doomed{i}"), Ct).AsTask()).ToList();
        await sink.AppendArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        doomed.AddRange(Enumerable.Range(20, 20).Select(i => log.AppendAsync(Records.Record($"doomed{i}"), Ct).AsTask()));
        var opensBefore = sink.Opens;

        sink.Fail(new IOException("injected: disk full"));
        sink.Release();
        foreach (var append in doomed)
        {
            var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => append.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.IsType<IOException>(error.InnerException);
        }

        Assert.False(state.CanCommit);
        Assert.Equal(2, state.ConsecutiveFailures); // the batch in hand and the one queued behind it
        Assert.Contains("injected: disk full", state.LastError, StringComparison.Ordinal);
        Assert.Equal(1, log.Commits);

        sink.Fail(null);
        await log.AppendAsync(Records.Record("after"), Ct);
        Assert.True(state.CanCommit);
        Assert.True(sink.Opens > opensBefore); // the sink is opened again after a failed commit
        var stored = await StoredAsync();
        Assert.DoesNotContain(stored, r => r.Record.CallerId.StartsWith("doomed", StringComparison.Ordinal));
        Assert.Equal(2, stored.Single(r => r.Record.CallerId == "after").Sequence);
        Assert.True((await VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AppendAsync_CommitAnswerLost_CallerFailedRecordKeptNextCommitChainsFromStoredHead()
    {
        var (log, sink, state) = await OpenFaultyAsync();
        await log.AppendAsync(Records.Record("before"), Ct);

        // The commit lands but its answer is lost (a connection dropped during COMMIT): the caller hears
        // it failed, the safe direction; the writer must then chain from the head stored, not from memory.
        sink.LoseAnswers(new IOException("injected: connection lost during COMMIT"));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.AppendAsync(Records.Record("unanswered"), Ct).AsTask());
        Assert.False(state.CanCommit);
        sink.LoseAnswers(null);
        await log.AppendAsync(Records.Record("after1"), Ct);
        await log.AppendAsync(Records.Record("after2"), Ct);

        Assert.True(state.CanCommit);
        var stored = await StoredAsync();
        Assert.Equal(["before", "unanswered", "after1", "after2"], stored.Select(r => r.Record.CallerId));
        Assert.Equal([1L, 2L, 3L, 4L], stored.Select(r => r.Sequence));
        var result = await VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal((4L, 4L), (result.RecordsChecked, result.HeadSequence));
    }
}
