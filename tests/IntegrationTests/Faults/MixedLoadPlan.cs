using System.Collections.Concurrent;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.IntegrationTests.Faults;

/// <summary>A credential the load may scan, and the licence it names.</summary>
/// <param name="Payload">The QR text.</param>
/// <param name="LicenseNumber">The licence it was issued for.</param>
public sealed record LoadCredential(string Payload, string LicenseNumber);

/// <summary>
/// What a <see cref="MixedLoad"/> works on, prepared before the fault (so that no fault gets in the way of
/// issuing): a few normal licences with a pool of never-scanned credentials (the fresh scans take each one
/// once), and one licence revoked after its credentials were issued (any VALID for them is a wrong answer).
/// </summary>
public sealed class MixedLoadPlan
{
    private readonly ConcurrentQueue<LoadCredential> _unscanned;

    private MixedLoadPlan(IReadOnlyDictionary<string, LicenseStatus> licences, IEnumerable<LoadCredential> fresh, IReadOnlyList<LoadCredential> revoked)
    {
        Licences = licences;
        _unscanned = new ConcurrentQueue<LoadCredential>(fresh);
        Revoked = revoked;
    }

    /// <summary>Every licence of the plan and the status a lookup must show for it.</summary>
    public IReadOnlyDictionary<string, LicenseStatus> Licences { get; }

    /// <summary>Credentials of the revoked licence (scanned any number of times, by any device).</summary>
    public IReadOnlyList<LoadCredential> Revoked { get; }

    /// <summary>Credentials not yet taken by a fresh scan.</summary>
    public int Unscanned => _unscanned.Count;

    /// <summary>
    /// Creates <paramref name="licences"/> normal licences and one revoked, and issues
    /// <paramref name="credentials"/> credentials spread over the normal ones (and a few for the revoked one,
    /// before its revocation) through <paramref name="registry"/> (a registry caller's client of any replica:
    /// e.g. <see cref="ServerInstance.Registry"/>, or a <c>RegistryServiceClient</c> over
    /// <c>ServerProcess.As(TestCallers.Registry)</c>). Issues four at a time.
    /// </summary>
    public static async Task<MixedLoadPlan> PrepareAsync(RegistryService.RegistryServiceClient registry, int credentials = 400, int licences = 4,
        CancellationToken cancellationToken = default)
    {
        var normal = new List<string>();
        for (var i = 0; i < licences; i++)
        {
            normal.Add((await registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = TestData.NewLicense() }, Call(cancellationToken))).License.LicenseNumber);
        }

        var revokedNumber = (await registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = TestData.NewLicense() }, Call(cancellationToken))).License.LicenseNumber;
        var revoked = await IssueManyAsync(registry, Enumerable.Repeat(revokedNumber, 8), cancellationToken);
        await registry.UpdateLicenseStatusAsync(new UpdateLicenseStatusRequest { LicenseNumber = revokedNumber, Status = LicenseStatus.Revoked }, Call(cancellationToken));
        var fresh = await IssueManyAsync(registry, Enumerable.Range(0, credentials).Select(i => normal[i % normal.Count]), cancellationToken);

        var statuses = normal.ToDictionary(n => n, _ => LicenseStatus.Normal);
        statuses[revokedNumber] = LicenseStatus.Revoked;
        return new MixedLoadPlan(statuses, fresh, revoked);
    }

    /// <summary>
    /// Waits (bounded by <paramref name="deadline"/>) until <paramref name="replica"/> (an officer's client of one
    /// replica) shows every licence with its planned status: the revocation has reached its caches.
    /// </summary>
    public Task<TimeSpan> WaitSeenByAsync(VerificationService.VerificationServiceClient replica, TimeSpan deadline, CancellationToken cancellationToken = default) =>
        TestData.EventuallyAsync(async () =>
        {
            foreach (var (number, status) in Licences)
            {
                var seen = await replica.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = number, Purpose = LookupPurpose.RoadsideCheck }, Call(cancellationToken));
                if (seen.License.Status != status)
                {
                    return false;
                }
            }

            return true;
        }, deadline);

    /// <summary>Takes a credential no one has scanned yet; false when the pool is used up.</summary>
    public bool TryTakeUnscanned(out LoadCredential credential) => _unscanned.TryDequeue(out credential!);

    private static async Task<List<LoadCredential>> IssueManyAsync(RegistryService.RegistryServiceClient registry, IEnumerable<string> numbers,
        CancellationToken cancellationToken)
    {
        var issued = new ConcurrentBag<(int Order, LoadCredential Credential)>();
        await Parallel.ForEachAsync(numbers.Select((n, i) => (n, i)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var response = await IssueAsync(registry, item.n, token);
                issued.Add((item.i, new LoadCredential(response.QrPayload, item.n)));
            });
        return issued.OrderBy(c => c.Order).Select(c => c.Credential).ToList();
    }

    /// <summary>
    /// One credential, tried again (three attempts) when the registry says UNAVAILABLE: on a loaded machine a PostgreSQL
    /// statement can time out before any fault was injected, and an extra credential issued for a licence is harmless.
    /// </summary>
    private static async Task<IssueCredentialResponse> IssueAsync(RegistryService.RegistryServiceClient registry, string number, CancellationToken token)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = number }, Call(token));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 3)
            {
                // At once: each attempt has its own 10 s deadline, which is what a timed-out statement needed.
            }
        }
    }

    private static CallOptions Call(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
}
