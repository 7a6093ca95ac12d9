using ELicense.Server.Auditing;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>
/// A real sink with a hand on its appends: hold them until released, or fail them, so that the writer's
/// logic (answers only after the commit, failures to every waiting call) can be watched at the moment it
/// matters. Everything else passes through to the real engine.
/// </summary>
public sealed class FaultInjectingSink(IAuditSink inner) : IAuditSink
{
    /// <summary>The longest an append is held; every test releases within seconds.</summary>
    private static readonly TimeSpan HoldBound = TimeSpan.FromSeconds(60);

    private volatile TaskCompletionSource _release = Released();
    private volatile Exception? _failure;
    private volatile Exception? _answerLost;
    private int _opens;
    private int _appends;

    /// <summary>Completes when an append arrives while held (the writer has handed over a batch).</summary>
    public TaskCompletionSource AppendArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Times the writer opened the sink.</summary>
    public int Opens => Volatile.Read(ref _opens);

    /// <summary>Appends handed to the sink (held, failed or passed through).</summary>
    public int Appends => Volatile.Read(ref _appends);

    /// <summary>Records of every append that reached the real sink, batch by batch.</summary>
    public List<int> CommittedBatches { get; } = [];

    public string Location => inner.Location;

    public IAuditSubjectIndex SubjectIndex => inner.SubjectIndex;

    /// <summary>From now on appends wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        AppendArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _release.TrySetResult();

    /// <summary>Appends fail with <paramref name="failure"/> (before the real sink sees them) until set to null.</summary>
    public void Fail(Exception? failure) => _failure = failure;

    /// <summary>
    /// Appends reach the real sink and commit, then fail with <paramref name="failure"/> (the answer to a
    /// COMMIT lost with its connection) until set to null.
    /// </summary>
    public void LoseAnswers(Exception? failure) => _answerLost = failure;

    public ValueTask<byte[]?> OpenAsync(byte[]? subjectKeyFingerprint, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opens);
        return inner.OpenAsync(subjectKeyFingerprint, cancellationToken);
    }

    public async ValueTask AppendAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _appends);
        var release = _release;
        if (!release.Task.IsCompleted)
        {
            AppendArrived.TrySetResult();
            try
            {
                // Bounded: the writer commits with no token (and its dispose waits for that commit), so a test
                // that fails before its Release would otherwise hang in its cleanup and never report the failure.
                await release.Task.WaitAsync(HoldBound, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"A held append was not released within {HoldBound}: the test failed or forgot Release().");
            }
        }

        if (_failure is { } failure)
        {
            throw failure;
        }

        await inner.AppendAsync(batch, cancellationToken);
        lock (CommittedBatches)
        {
            CommittedBatches.Add(batch.Records.Count);
        }

        if (_answerLost is { } lost)
        {
            throw lost;
        }
    }

    public ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken) => inner.OpenViewAsync(cancellationToken);

    public bool IsStorageError(Exception error) => inner.IsStorageError(error);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }
}
