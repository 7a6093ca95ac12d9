using System.Diagnostics;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using CsCheck;
using ELicense.Server.Credentials;
using ELicense.Server.Validation;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using ELicense.Core.Credentials;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;
using CredentialCheck = ELicense.Core.Credentials.CredentialCheck<ELicense.Core.Credentials.CredentialClaims>;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// Property-based tests (CsCheck) of Base45 and the credential verifier. A failing property prints a
/// CsCheck seed ("Set seed: ... to reproduce"); pass it as <c>seed:</c> or set the environment variable
/// CsCheck_Seed to replay exactly that case. Every property writes its case count and run time to the
/// test output. The properties live in partial files by subject; a static generator's initializer may
/// use only generators of its own file, since C# leaves the order of initializers across partial files open.
/// </summary>
public sealed partial class CredentialPropertyTests
{
    private const string Base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    // ---------------------------------------------------------------- Helpers

    private const int PoolSize = 16;

    /// <summary>Credentials issued once for the hostile-payload properties, and a verifier at their issue time.</summary>
    private static CredentialPool Pool => LazyPool.Value;

    private static readonly Lazy<CredentialPool> LazyPool = new(() => new CredentialPool());

    private sealed class CredentialPool
    {
        public CredentialPool()
        {
            var kit = new CredentialTestKit(); // lives for the test run: the pool is shared by several tests
            Verifier = kit.Verifier;
            Credentials = [.. GenLicense.Array[PoolSize].Single().Select(license =>
            {
                var issued = kit.Issuer.Issue(license);
                var check = kit.Verifier.Verify(issued.QrPayload);
                Assert.Equal(CredentialStatus.Genuine, check.Status);
                return new PoolCredential(issued.QrPayload, DecodeCose(issued.QrPayload), check.Claims!, kit.SigningKey.KeyId);
            })];
        }

        public CredentialVerifier Verifier { get; }

        public PoolCredential[] Credentials { get; }
    }

    private sealed record PoolCredential(string Payload, byte[] Cose, CredentialClaims Claims, byte[] KeyId);

    private static IssuedCredential IssueAt(CredentialTestKit kit, License license, DateTimeOffset now, TimeSpan lifetime) =>
        new CredentialIssuer(kit.Ring, kit.Options, new FakeTimeProvider(now)).Issue(license, lifetime);

    private static CredentialCheck VerifyAt(CredentialTestKit kit, string payload, DateTimeOffset now) =>
        new CredentialVerifier(kit.Ring, kit.Options, new FakeTimeProvider(now)).Verify(payload);

    private static CredentialSnapshot SnapshotOf(License license) => new()
    {
        LicenseNumber = license.LicenseNumber,
        HolderName = license.HolderName,
        LicenseClass = license.LicenseClass,
        Status = license.Status,
        ValidFromDate = license.ValidFromDate,
        ValidUntilDate = license.ValidUntilDate,
    };

    /// <summary>Claims and key are set exactly when the signature verified; the detail always says why.</summary>
    private static void AssertConsistent(CredentialCheck check, int[]? tally = null)
    {
        if (tally is not null && (uint)check.Status < (uint)tally.Length)
        {
            Interlocked.Increment(ref tally[(int)check.Status]);
        }

        Assert.True(Enum.IsDefined(check.Status), $"undefined status {(int)check.Status}");
        Assert.False(string.IsNullOrWhiteSpace(check.Detail));
        var signed = check.Status is CredentialStatus.Genuine or CredentialStatus.Expired or CredentialStatus.NotYetValid;
        Assert.Equal(signed, check.Claims is not null);
        Assert.Equal(signed, check.Key is not null);
    }

    private static byte[] DecodeCose(string payload) => CoseForge.DecodeCose(payload, CredentialIssuer.Prefix);

    /// <summary>Runs a property for <paramref name="iter"/> cases on all cores and logs the count and time.</summary>
    /// <param name="print">Renders a failing case in full (CsCheck abbreviates long arrays), e.g. as the QR text.</param>
    private static void Run<T>(string name, long iter, Gen<T> gen, Action<T> assert, Func<T, string>? print = null)
    {
        var stopwatch = Stopwatch.StartNew();
        gen.Sample(assert, writeLine: Log, iter: iter, print: print);
        Log($"{name}: {iter:N0} cases in {stopwatch.Elapsed.TotalSeconds:F2} s");
    }

    private static int[] NewTally() => new int[Enum.GetValues<CredentialStatus>().Length];

    /// <summary>How far into the verifier the cases got, e.g. "Malformed 18,212, SignatureInvalid 1,788".</summary>
    private static void LogTally(string name, int[] tally) =>
        Log($"{name} verdicts: " + string.Join(", ", Enum.GetValues<CredentialStatus>().Where(s => tally[(int)s] > 0).Select(s => $"{s} {tally[(int)s]:N0}")));

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);
}
