using ELicense.V1;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// The store's calls, each returned to the caller as soon as its token is cancelled, whatever Npgsql is
/// still waiting for.
/// </summary>
/// <remarks>
/// Npgsql honours a cancelled token by asking the server to cancel the statement and waiting for the server
/// to confirm; a server that does not answer at all (frozen, a half-open connection after a network cut)
/// confirms nothing, and the call was measured returning only after 40–60 s (the command timeout plus the
/// cancel request's own connection timeout), and an opening connection only after the pool's connect
/// <c>Timeout</c>. That would let the registry pipeline's timeouts fire while the caller still waits — a
/// hang. So each call here stops waiting when its token is cancelled (the pipeline then reports its timeout,
/// which the callers answer UNAVAILABLE); the abandoned operation still got the token, goes on in the
/// background until Npgsql gives up or the server answers, and returns its connection to the pool. Until
/// then it keeps that connection checked out: against a frozen server, Npgsql gives up only at the
/// connection string's <c>Command Timeout</c> (measured: 40 s at the default 30 s; with <c>Command Timeout=0</c>,
/// for as long as the server stays frozen), so a freeze under load can exhaust the pool, which then fails
/// calls within the pool wait (<c>Timeout</c>) or the caller's token, never hangs them. Nothing it reads
/// reaches anyone: its result is dropped (a write abandoned that way may still commit: its changes then
/// reach the feed like any other, so no cache keeps a stale copy). Its eventual error is observed here,
/// not left unobserved.
/// </remarks>
public sealed partial class PostgresRegistryStore
{
    public Task<LicenseRecord?> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) =>
        Bounded(GetLicenseCoreAsync(licenseNumber, cancellationToken), cancellationToken);

    public Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) =>
        Bounded(GetVehicleByPlateCoreAsync(plate, cancellationToken), cancellationToken);

    public Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) =>
        Bounded(GetVehicleByVinCoreAsync(vin, cancellationToken), cancellationToken);

    public Task<ViolationPage> ListViolationsAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken) =>
        Bounded(ListViolationsCoreAsync(query, after, limit, cancellationToken), cancellationToken);

    public Task<WriteResult<License>> UpsertLicenseAsync(License license, CancellationToken cancellationToken) =>
        Bounded(UpsertLicenseCoreAsync(license, cancellationToken), cancellationToken);

    public Task<WriteResult<License>?> UpdateLicenseStatusAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken) =>
        Bounded(UpdateLicenseStatusCoreAsync(licenseNumber, status, cancellationToken), cancellationToken);

    public Task<WriteResult<Violation>> RecordViolationAsync(Violation violation, string requestId, CancellationToken cancellationToken) =>
        Bounded(RecordViolationCoreAsync(violation, requestId, cancellationToken), cancellationToken);

    public Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationResolution resolution, CancellationToken cancellationToken) =>
        Bounded(ResolveViolationCoreAsync(violationId, resolution, cancellationToken), cancellationToken);

    public Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken) =>
        Bounded(UpsertVehicleCoreAsync(vehicle, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        Bounded(GetChangesCoreAsync(afterSequence, limit, cancellationToken), cancellationToken);

    public Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken) =>
        Bounded(GetLatestChangeSequenceCoreAsync(cancellationToken), cancellationToken);

    public Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Bounded(GetLastChangeSequenceBeforeCoreAsync(before, cancellationToken), cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        Bounded(PingCoreAsync(cancellationToken), cancellationToken);

    private static Task<T> Bounded<T>(Task<T> operation, CancellationToken cancellationToken) =>
        operation.IsCompleted || !cancellationToken.CanBeCanceled ? operation : Observed(operation).WaitAsync(cancellationToken);

    private static Task Bounded(Task operation, CancellationToken cancellationToken) =>
        operation.IsCompleted || !cancellationToken.CanBeCanceled ? operation : Observed(operation).WaitAsync(cancellationToken);

    /// <summary>The operation, its eventual error observed whether or not the caller still waits for it.</summary>
    private static TTask Observed<TTask>(TTask operation) where TTask : Task
    {
        _ = operation.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return operation;
    }
}
