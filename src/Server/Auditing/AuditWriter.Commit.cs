namespace ELicense.Server.Auditing;

/// <summary>The writer loop: group commits through the sink, answers after each, and the indexer's schedule.</summary>
public sealed partial class AuditWriter
{
    // Owned by the writer loop alone: one batch reused for every commit.
    private readonly AuditBatch _batch = new();

    // After a failed commit the sink is opened again (and the trail checked again) before the next one.
    private bool _reopen;

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(Math.Min(_maxBatch, 4096));
        var underLoad = false;
        while (await reader.WaitToReadAsync())
        {
            // Under load (records were already waiting when the last commit ended) let more gather
            // for one timer's wait, so that they share the next commit's fixed cost; idle, a lone
            // record is committed at once. One wait, not one wake-up per arriving record.
            if (underLoad && _maxBatchDelay > TimeSpan.Zero)
            {
                await GatherAsync();
            }

            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            underLoad = await CommitAsync(batch);
            batch.Clear();
        }
    }

    /// <summary>The batch delay; cut short when the log closes, so that closing never waits on the batch clock.</summary>
    private async Task GatherAsync()
    {
        try
        {
            await Task.Delay(_maxBatchDelay, _batchClock, _closing.Token);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closing: what is queued is committed at once.
        }
    }

    /// <summary>
    /// Writes the batch in one transaction of the sink, then acknowledges it — or faults all of it; returns whether
    /// records were waiting when the commit ended.
    /// </summary>
    /// <remarks>
    /// Looked at before the answers go out: a caller that appends again as soon as it is answered is not load,
    /// and counting it so would hold its lone record for the batch delay.
    /// </remarks>
    private async Task<bool> CommitAsync(List<PendingAppend> batch)
    {
        try
        {
            if (_reopen)
            {
                await OpenSinkAsync(CancellationToken.None);
                _reopen = false;
            }

            _batch.Clear();
            foreach (var pending in batch)
            {
                _batch.Add(pending.Record);
            }

            // The sink reads the head inside its transaction, not from memory: replicas share one trail,
            // and each commit continues the chain exactly where the last writer — this process or
            // another — left it.
            await _sink.AppendAsync(_batch, CancellationToken.None);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _recordsCommitted, batch.Count);
            CommitState.Committed();
        }
        catch (Exception e)
        {
            LogCommitFailed(_logger, batch.Count, e);
            CommitState.Failed(e);
            _reopen = true;
            var waitingAfterFailure = _queue.Reader.TryPeek(out _);
            Answer(batch, new AuditUnavailableException("The audit trail could not commit the record; it is not acknowledged.", e));
            return waitingAfterFailure;
        }
        finally
        {
            _batch.Clear();
        }

        var waiting = _queue.Reader.TryPeek(out _);
        Answer(batch, failure: null);
        return waiting;
    }

    /// <summary>
    /// Answers a batch from the pool in one slice per core: the writer goes straight on to the next
    /// commit, and each slice's answers run one after another on its thread instead of each being queued
    /// on its own (measured under load: about 3 µs less CPU per audited call). Slices, not one work item,
    /// so that what follows the answers (writing responses, a stream's next verification) still spreads
    /// over every core and the last answer of a large batch does not wait for all the others.
    /// </summary>
    private static void Answer(List<PendingAppend> batch, Exception? failure)
    {
        var answers = batch.ToArray();
        var slices = Math.Min(Environment.ProcessorCount, answers.Length);
        for (var slice = 0; slice < slices; slice++)
        {
            // Slice k takes every slices-th append from k on: no slice waits behind a run of long answers.
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                for (var i = state.First; i < state.Answers.Length; i += state.Step)
                {
                    if (state.Failure is null)
                    {
                        state.Answers[i].TrySetResult();
                    }
                    else
                    {
                        state.Answers[i].TrySetException(state.Failure);
                    }
                }
            }, (Answers: answers, First: slice, Step: slices, Failure: failure), preferLocal: false);
        }
    }

    /// <summary>Runs the subject index's passes until the log closes; a failed pass is logged and retried at the next tick.</summary>
    private async Task RunIndexerAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_subjectIndexInterval, _batchClock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var indexed = await _sink.SubjectIndex.IndexOnceAsync(stop);
                    AfterIndexPass?.Invoke(indexed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Holder lookups stay complete meanwhile (they scan what is not indexed), only slower.
                    LogIndexFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit commit of {Count} record(s) failed; the appends were not acknowledged.")]
    private static partial void LogCommitFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit subject index pass failed; holder lookups scan the records not indexed yet until a pass succeeds.")]
    private static partial void LogIndexFailed(ILogger logger, Exception error);
}
