using System.Threading.Channels;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Tests.Caching;

/// <summary>
/// A registry store with an empty change feed and nothing else, for tests of the change-feed follower:
/// it counts the polls (reads of the feed), reports each as it starts, can hold them at a gate, and can fail.
/// </summary>
internal sealed class FeedOnlyStore : IRegistryStore
{
    private readonly Channel<int> _pollsStarted = Channel.CreateUnbounded<int>();
    private volatile TaskCompletionSource? _gate;
    private int _polls;

    /// <summary>Reads of the feed (<see cref="GetChangesAsync"/>) so far.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>While true every feed read throws, as an unreachable registry would.</summary>
    public bool Failing { get; set; }

    /// <summary>Holds every feed read from now on until <see cref="OpenGate"/>.</summary>
    public void CloseGate() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OpenGate() => _gate?.TrySetResult();

    /// <summary>Waits (bounded) for the first poll numbered above <paramref name="after"/> to start; returns its number.</summary>
    public async Task<int> PollAfterAsync(int after, CancellationToken cancellationToken)
    {
        int started;
        do
        {
            started = await _pollsStarted.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        while (started <= after);

        return started;
    }

    public async Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        _pollsStarted.Writer.TryWrite(Interlocked.Increment(ref _polls));
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Failing ? throw new InvalidOperationException("registry unreachable") : [];
    }

    public Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken) =>
        Failing ? throw new InvalidOperationException("registry unreachable") : Task.FromResult(0L);

    public Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Failing ? throw new InvalidOperationException("registry unreachable") : Task.FromResult(0L);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<LicenseRecord?> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ViolationPage> ListViolationsAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<WriteResult<License>> UpsertLicenseAsync(License license, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<WriteResult<License>?> UpdateLicenseStatusAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<WriteResult<Violation>> RecordViolationAsync(Violation violation, string requestId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationResolution resolution, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken) => throw new NotSupportedException();
}
