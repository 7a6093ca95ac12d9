namespace ELicense.Client.Connection;

/// <summary>
/// Which replicas say they serve: every <see cref="Interval"/> (a fixed period) each address is asked once
/// (grpc.health.v1 Check, bounded by <see cref="Timeout"/>), all at once, and each answer is used as soon as
/// it arrives. grpc-dotnet has no client-side health checking, so the balancer's picker reads this instead
/// (<see cref="ServingPicker"/>). Until the first answer every replica counts as serving, so the first call is
/// not held back. A check that failed or timed out is <see cref="ReplicaState.Unanswered"/>, not NOT_SERVING:
/// only the replica itself can say it does not serve, and a slow fleet must not look like a draining one (the
/// picker still calls an unanswered replica when none answered SERVING). Nor does it clear a NOT_SERVING
/// answer: a draining replica stays NOT_SERVING until it answers otherwise. A replica that cannot be reached
/// at all is also not connected, which the balancer sees itself.
/// </summary>
public sealed class ReplicaHealth : IDisposable
{
    /// <summary>
    /// How often each replica is asked, by default: a draining replica is left at most this long plus its
    /// answer's round trip after it starts reporting NOT_SERVING.
    /// </summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest a health check may take, by default; a slower one counts as unanswered.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<Uri> _servers;
    private readonly Dictionary<(string Host, int Port), int> _index = [];
    private readonly Func<Uri, CancellationToken, Task<bool>> _isServing;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable? _owned;
    private readonly int[] _states;
    private int _started;
    private int _disposed;

    /// <param name="servers">The replicas.</param>
    /// <param name="isServing">Asks one replica: true for SERVING, false for NOT_SERVING; may throw or hang (both count as unanswered).</param>
    /// <param name="time">Drives the interval and the timeout.</param>
    /// <param name="interval">Between two rounds of checks.</param>
    /// <param name="timeout">For one check.</param>
    /// <param name="owned">Disposed with this object (the probe's channels).</param>
    public ReplicaHealth(IReadOnlyList<Uri> servers, Func<Uri, CancellationToken, Task<bool>> isServing, TimeProvider time,
        TimeSpan interval, TimeSpan timeout, IDisposable? owned = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _servers = servers;
        _isServing = isServing;
        _time = time;
        Interval = interval;
        Timeout = timeout;
        _owned = owned;
        // ReplicaState.Serving is 0: every replica counts as serving until its first answer.
        _states = new int[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            _index.TryAdd(ServerAddresses.Endpoint(servers[i]), i);
        }
    }

    /// <summary>Between two rounds of checks.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The bound of one check.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Raised after each round of checks, once its slowest check ended (tests wait on it).</summary>
    public event Action? Polled;

    /// <summary>
    /// The grpc.health.v1 poller for <paramref name="options"/>' replicas, over the same TLS material;
    /// <paramref name="timeout"/> bounds one check (<see cref="DefaultTimeout"/> when null).
    /// </summary>
    public static ReplicaHealth ForReplicas(ConnectionOptions options, ClientTls tls, TimeProvider? time = null, TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultTimeout;
        var probe = new HealthProbe(options.Servers, tls, bound);
        return new ReplicaHealth(options.Servers, probe.IsServingAsync, time ?? TimeProvider.System, DefaultInterval, bound, probe);
    }

    /// <summary>The last check of the replica at <paramref name="host"/>:<paramref name="port"/>; addresses not polled count as serving.</summary>
    public ReplicaState StateOf(string host, int port) =>
        _index.TryGetValue((host, port), out var i) ? (ReplicaState)Volatile.Read(ref _states[i]) : ReplicaState.Serving;

    /// <summary>The last check of each replica, in the order given.</summary>
    public IReadOnlyList<ReplicaState> States() =>
        Enumerable.Range(0, _states.Length).Select(i => (ReplicaState)Volatile.Read(ref _states[i])).ToArray();

    /// <summary>Starts polling (once; later calls do nothing).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // The timer exists before the first round: a test that advances its fake clock on hearing of a
            // round never advances past a tick that has no timer yet.
            var timer = new PeriodicTimer(Interval, _time);
            _ = Task.Run(() => LoopAsync(timer, _stop.Token));
        }
    }

    /// <summary>
    /// Asks every replica once, all at once, each bounded by <see cref="Timeout"/>; each answer is published as
    /// it arrives, so a slow replica does not hold back what a quick one said (a drain is seen at once).
    /// </summary>
    public Task PollOnceAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_servers.Select((server, i) => AskAndPublishAsync(server, i, cancellationToken)));

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _owned?.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using (timer)
        {
            try
            {
                // A fixed period, not an interval after the round: a round lasts at most Timeout, so with
                // Timeout <= Interval each replica is asked every Interval. A round that outlasts the period
                // starts the next one at once (PeriodicTimer keeps one missed tick).
                do
                {
                    await PollOnceAsync(cancellationToken);
                    Polled?.Invoke();
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        }
    }

    private async Task AskAndPublishAsync(Uri server, int i, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(server, cancellationToken);
        // An unanswered check keeps a NOT_SERVING before it: a draining replica whose next check times out
        // must not be called again for it. Only the replica's own answer (SERVING) clears it.
        if (answer != ReplicaState.Unanswered || Volatile.Read(ref _states[i]) != (int)ReplicaState.NotServing)
        {
            Volatile.Write(ref _states[i], (int)answer);
        }
    }

    private async Task<ReplicaState> AskAsync(Uri server, CancellationToken cancellationToken)
    {
        try
        {
            using var bound = new CancellationTokenSource(Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
            // WaitAsync: a check that ignores its token still cannot hold the round past the bound.
            return await _isServing(server, linked.Token).WaitAsync(linked.Token) ? ReplicaState.Serving : ReplicaState.NotServing;
        }
#pragma warning disable CA1031 // Whatever went wrong, this replica said nothing: neither that it serves nor that it does not.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ReplicaState.Unanswered;
        }
    }
}
