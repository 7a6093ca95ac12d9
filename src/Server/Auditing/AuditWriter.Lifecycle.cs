using System.Security.Cryptography;

namespace ELicense.Server.Auditing;

/// <summary>Starting and stopping the writer, and the checks it makes of the trail it opens.</summary>
public sealed partial class AuditWriter
{
    /// <summary>Opens the subject index and the sink, checks the subject key and the head, starts the writer and the indexer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_writer is not null)
            {
                return;
            }

            // The index first: should it fail, nothing else is open yet.
            await _sink.SubjectIndex.OpenAsync(cancellationToken);
            var (count, headSequence) = await OpenSinkAsync(cancellationToken);
            LogOpened(_logger, _sink.Location, count, headSequence);
            _writer = Task.Run(RunWriterAsync, CancellationToken.None);
            _indexer = Task.Run(() => RunIndexerAsync(_indexerStop.Token), CancellationToken.None);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops taking appends and commits what is queued (waits for it unless <paramref name="cancellationToken"/> fires).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => CloseAsync(cancellationToken);

    /// <summary>Stops taking appends, commits what is queued and closes the sink.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseAsync(CancellationToken.None);
        _lifecycle.Dispose();
        _indexerStop.Dispose();
        _closing.Dispose();
    }

    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        Task? writer;
        await _lifecycle.WaitAsync(CancellationToken.None);
        try
        {
            _closed = true;
            _queue.Writer.TryComplete();
            writer = _writer;
            if (writer is null)
            {
                // Never started: nothing can commit what was queued, so fail it rather than leave it waiting
                // (answered on the pool: continuations run where an append completes, never under this lock).
                var unstarted = new List<PendingAppend>();
                while (_queue.Reader.TryRead(out var pending))
                {
                    unstarted.Add(pending);
                }

                if (unstarted.Count > 0)
                {
                    Answer(unstarted, new ObjectDisposedException(nameof(AuditWriter), "The audit log was closed before it was started."));
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        if (writer is not null)
        {
            await _closing.CancelAsync(); // outside the lock: the writer's batch delay ends and it commits at once
            await writer.WaitAsync(cancellationToken);
        }

        // The index is derived: a pass cut short is redone at the next start.
        await _indexerStop.CancelAsync();
        if (_indexer is { } indexer)
        {
            await indexer.WaitAsync(cancellationToken);
        }

        // Nothing writes or indexes any more: release the storage (files, connections).
        await _sink.DisposeAsync();
    }

    /// <summary>
    /// Opens the sink (at start, and again after a failed commit) and makes the checks of an opened
    /// trail: the subject key, then the head. Returns the committed count and head sequence.
    /// </summary>
    private async Task<(long Count, long HeadSequence)> OpenSinkAsync(CancellationToken cancellationToken)
    {
        var stored = await _sink.OpenAsync(_subjectKeyFingerprint, cancellationToken);
        CheckSubjectKey(stored);
        return await CheckHeadAsync(cancellationToken);
    }

    /// <summary>
    /// The first writer records its subject key's fingerprint; every later one (a restart, another
    /// replica on the shared trail) must carry the same key, or it would write subjects the holder's view
    /// never finds. A mismatch stops the start with what to do about it.
    /// </summary>
    private void CheckSubjectKey(byte[]? stored)
    {
        if (_subjectKeyFingerprint is null)
        {
            return;
        }

        if (stored is null || !CryptographicOperations.FixedTimeEquals(stored, _subjectKeyFingerprint))
        {
            throw new InvalidOperationException(
                $"The audit trail {_sink.Location} was written with a different subject key than this server's " +
                $"({AuditOptions.SectionName}:{nameof(AuditOptions.SubjectKey)} / {nameof(AuditOptions.SubjectKeyPath)}). " +
                "Replicas sharing an audit file must share its subject key (copy the key file, or configure the same " +
                "base64 key on each); otherwise the holder's view of who checked a licence would miss records.");
        }
    }

    /// <summary>
    /// Reads the committed head (each commit continues from it, read inside its own transaction). Should
    /// the last record disagree with it (records removed from or forged onto the end), the anomaly is
    /// logged; the chain still continues from the committed head, so that the verifier keeps seeing the
    /// break instead of the log papering over it.
    /// </summary>
    private async Task<(long Count, long HeadSequence)> CheckHeadAsync(CancellationToken cancellationToken)
    {
        await using var view = await _sink.OpenViewAsync(cancellationToken);
        var head = await view.ReadHeadAsync(cancellationToken);
        var metaSequence = head.Sequence ?? 0;
        var metaHash = head.Hash ?? new byte[AuditChain.HashSize];
        var last = await view.LastAsync(cancellationToken);
        var lastSequence = last?.Sequence ?? 0;
        var lastHash = last is { Problem: null } entry ? entry.Hash.ToArray() : new byte[AuditChain.HashSize];
        if (lastSequence != metaSequence || !lastHash.AsSpan().SequenceEqual(metaHash))
        {
            LogHeadMismatch(_logger, _sink.Location, metaSequence, lastSequence);
        }

        return (head.Count ?? 0, metaSequence);
    }

    private static void Validate(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckText(record.CallerId, nameof(AuditRecord.CallerId));
        CheckText(record.DeviceId, nameof(AuditRecord.DeviceId));
        CheckText(record.Method, nameof(AuditRecord.Method));
        CheckText(record.Subject, nameof(AuditRecord.Subject));
        CheckText(record.Result, nameof(AuditRecord.Result));

        static void CheckText(string? value, string name)
        {
            if (value is null)
            {
                throw new ArgumentException($"{name} must not be null.", nameof(record));
            }

            if (!AuditChain.IsWellFormed(value))
            {
                throw new ArgumentException($"{name} holds an unpaired surrogate.", nameof(record));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit trail {Path}: {Count} records, head seq {Sequence}.")]
    private static partial void LogOpened(ILogger logger, string path, long count, long sequence);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit trail {Path} does not match its committed head (meta head seq {MetaSequence}, last record seq {LastSequence}): records were removed or forged. Run `audit verify`; the chain continues from the committed head.")]
    private static partial void LogHeadMismatch(ILogger logger, string path, long metaSequence, long lastSequence);
}
