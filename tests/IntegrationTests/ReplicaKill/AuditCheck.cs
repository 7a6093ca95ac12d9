using ELicense.IntegrationTests.Faults;
using ELicense.Server.Auditing;

namespace ELicense.IntegrationTests.ReplicaKill;

/// <summary>
/// "No acknowledged audit record lost", checked against PostgreSQL. The audit interceptor appends a call's
/// record, and the writer completes the append only once the record's batch is committed, before the answer
/// goes out (src/Server/Auditing/AuditWriter, Hosting/AuditInterceptor): an answer the client got is an
/// acknowledged record. So for every kind of record — method, device, result and subject (the keyed hash of the
/// licence asked about, computed with the replicas' own subject key) — the trail holds at least as many as the
/// load got answers of that kind. The subject keeps an extra record of one licence from hiding a lost record of
/// another. At least, not exactly: a call whose first attempt died with the replica may have been recorded there
/// too, and failed calls are audited as well.
/// </summary>
/// <param name="Acknowledged">Answers the load got (each one an acknowledged record).</param>
/// <param name="Stored">The load's records in the trail (after the setup's).</param>
/// <param name="Missing">Kinds of record with fewer in the trail than answers, described; empty when none is lost.</param>
/// <param name="VerifyExit"><c>audit verify</c>'s exit code (0: chain intact).</param>
/// <param name="VerifiedRecords">The records <c>audit verify</c> checked, the setup's included.</param>
internal sealed record AuditCheck(int Acknowledged, int Stored, IReadOnlyList<string> Missing, int VerifyExit, long VerifiedRecords)
{
    /// <summary>
    /// Reads the trail after its first <paramref name="setupRecords"/> records and runs <c>audit verify</c> on it;
    /// the subjects are hashed with the key in <paramref name="keyDirectory"/> (every replica has a copy).
    /// </summary>
    public static async Task<AuditCheck> RunAsync(string database, string keyDirectory, int setupRecords, IReadOnlyList<LoadCall> calls,
        CancellationToken cancellationToken)
    {
        using var subjects = StoredTrail.Subjects(keyDirectory);
        var expected = calls.Where(c => c.Ok).GroupBy(c => RecordOf(c, subjects)).ToDictionary(g => g.Key, g => g.Count());
        // A record may stand for several calls (Count); the interceptor writes one per call, but count it as it says.
        var stored = (await StoredTrail.ReadAllAsync(database, cancellationToken)).Skip(setupRecords)
            .GroupBy(r => (r.Method, r.DeviceId, r.Result, r.Subject)).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
        var missing = expected.Where(e => stored.GetValueOrDefault(e.Key) < e.Value)
            .Select(e => $"{e.Key}: {e.Value} answered, {stored.GetValueOrDefault(e.Key)} recorded")
            .ToList();
        var (exit, verified, _) = await StoredTrail.VerifyAsync(database, cancellationToken);
        return new AuditCheck(expected.Values.Sum(), stored.Values.Sum(), missing, exit, verified);
    }

    /// <summary>
    /// The record an answered call left: lookups under their method with no device and result OK; scans under the
    /// device MixedLoad scans them from (its worker's handheld, another one for replays) with the verdict as result.
    /// </summary>
    private static (string Method, string DeviceId, string Result, string Subject) RecordOf(LoadCall call, AuditSubjects subjects)
    {
        var subject = subjects.License(call.LicenseNumber ?? throw new InvalidOperationException($"A load call without its licence: {call}"));
        return call.Kind switch
        {
            LoadCallKind.Lookup => ("GetLicense", "", "OK", subject),
            LoadCallKind.Replay => ("VerifyCredential", $"replay-w{call.Worker}", Verdict(call), subject),
            _ => ("VerifyCredential", $"scan-w{call.Worker}", Verdict(call), subject),
        };
    }

    // MixedLoad describes a verification's answer as "<verdict>/<replay check>[ stale]"; the trail records the verdict's name.
    private static string Verdict(LoadCall call) => call.Answer.Split('/')[0];

    public override string ToString() =>
        $"Audit: {Acknowledged} acknowledged records (answers), {Stored} load records in PostgreSQL, {Missing.Count} (method, device, result, subject) kinds short; " +
        $"audit verify exit {VerifyExit} over {VerifiedRecords} records.";
}
