using System.Security.Cryptography;
using System.Text;
using ELicense.Core.Credentials;
using ELicense.V1;
using SharpFuzz;
using CredentialCheck = ELicense.Core.Credentials.CredentialCheck<ELicense.Core.Credentials.CredentialClaims>;

namespace ELicense.CredentialFuzz;

/// <summary>
/// AFL++ harness (SharpFuzz out-of-process fork server) for Core's one credential decoder,
/// <see cref="CredentialDecoder{TClaims}.Verify(string?)"/>, which the server and the handheld both run.
/// Each input is tried twice: as the scanned QR text (UTF-8), and as raw COSE bytes behind "EDL1:" in
/// Base45. A finding is an exception escaping Verify, an inconsistent verdict, or a Genuine verdict for
/// anything but the seed credential. See ../README.md.
/// </summary>
internal static class Program
{
    /// <summary>
    /// TEST KEY, FOR FUZZING ONLY. Published in this repository, so it must never sign anything real.
    /// </summary>
    private const string FuzzTestKeyPem = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWjDcBr39TqDAp5Pn
        ybO962qc715QA9vhUXZ4leLVdaGhRANCAASJFzSKOVomEO66cCQyuUZR7mVhNk/m
        nrTmF9sfKKKVoWw5R0HnqapR9SU2ZLY9likhspSlr+iIVGbkk1jYFwTT
        -----END PRIVATE KEY-----
        """;

    /// <summary>The fixed clock of the harness: the seed credential was issued at this instant.</summary>
    private static readonly DateTimeOffset FuzzNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The seed credential (corpus/valid-credential.txt), issued with <see cref="FuzzTestKeyPem"/> at
    /// <see cref="FuzzNow"/> by <c>--issue-seed</c>. The only credential that may verify as Genuine.
    /// </summary>
    private const string SeedPayload = "EDL1:RRQT 9O60GO0TTB1LT7LHOXD8CKB%C080AY8OED1$CLQEFN0AEDKLNWY0AEDKHNR-0Q0DRE0%/A659L$L/%N:NF7R6/E7V50V30A80%96746B461A64R6*96AL6646IG6-D0.1TDFK EN.24-QEG/D+8DBWE5OCBJ0BM8ZM00T0EC9VY0L3B27B36S931I3C%%QVTTPC0KHFMSE72GVHVT289PV2$D QA8G922EUQ7+UJ031.%9 DIMRJP3GGVOO7NIAU$4IAM5VX3XWQGTS21I";

    public static int Main(string[] args)
    {
        if (args is ["--issue-seed"])
        {
            // Prints a new seed credential; paste it into SeedPayload and corpus/valid-credential.txt.
            // As the server's issuer writes it: whole-second times, a 3-minute lifetime, a random token id.
            using var ecdsa = LoadKey();
            var claims = new CredentialClaims(Policy.Issuer, FuzzNow, FuzzNow.AddMinutes(3), RandomNumberGenerator.GetBytes(CredentialClaims.TokenIdLength), SeedSnapshot());
            Console.Write(CredentialEncoder.Sign(claims.Encode(), ecdsa, FuzzKeys.KeyIdOf(ecdsa), Policy.Prefix));
            return 0;
        }

        // Nothing from the instrumented assemblies may run before Fuzzer.OutOfProcess.Run: SharpFuzz
        // attaches the AFL++ coverage map there, and instrumented code running earlier writes through a
        // null map pointer (AccessViolationException). So the verifier is built on the first input.
        Harness? harness = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            harness ??= new Harness();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            harness.Run(buffer.ToArray());
        });
        return 0;
    }

    /// <summary>The default server's licence policy (CredentialOptions' defaults).</summary>
    private static readonly CredentialPolicy Policy = new(
        CredentialDocumentType.DrivingLicense, CredentialPolicy.LicensePrefix, CredentialPolicy.DefaultMaxPayloadLength,
        CredentialPolicy.DefaultMaxLifetime, CredentialPolicy.DefaultMaxClockSkew, "ELicense");

    /// <summary>The decoder over the fuzz key and fixed clock, and the seed's claims.</summary>
    private sealed class Harness
    {
        private readonly CredentialDecoder<CredentialClaims> _verifier;
        private readonly CredentialClaims _seed;

        public Harness()
        {
            var keys = new FuzzKeys(); // lives as long as the process
            _verifier = new CredentialDecoder<CredentialClaims>(LicenseDocument.Instance, Policy, keys, new FixedTimeProvider(FuzzNow));
            var seed = _verifier.Verify(SeedPayload);
            // A harness that cannot recognise its own seed would report every input as a finding, or none:
            // fail loudly at once (afl-fuzz stops on a crashing seed during its dry run).
            _seed = seed is { Status: CredentialStatus.Genuine, Claims: { } claims }
                ? claims
                : throw new InvalidOperationException($"The embedded seed credential does not verify: {seed.Status} ({seed.Detail}).");
        }

        public void Run(byte[] bytes)
        {
            var text = Encoding.UTF8.GetString(bytes);
            Check(text, _verifier.Verify(text), _seed, "as QR text");
            var cose = Policy.Prefix + Base45.Encode(bytes);
            Check(cose, _verifier.Verify(cose), _seed, "as COSE bytes");
        }
    }

    /// <summary>Throws (the finding signal for AFL++) when the verdict is impossible or a forgery got through.</summary>
    private static void Check(string payload, CredentialCheck check, CredentialClaims seed, string pass)
    {
        if (!Enum.IsDefined(check.Status) || string.IsNullOrEmpty(check.Detail))
        {
            throw new InvalidOperationException($"{pass}: verdict {(int)check.Status} without a detail.");
        }

        var signed = check.Status is CredentialStatus.Genuine or CredentialStatus.Expired or CredentialStatus.NotYetValid;
        if (signed != (check.Claims is not null) || signed != (check.Key is not null))
        {
            throw new InvalidOperationException($"{pass}: {check.Status} with claims {check.Claims is not null} and key {check.Key is not null}.");
        }

        // Genuine is only possible for the seed's signed content (re-encodings of it are refused as not
        // canonical); any other claims verifying as Genuine would be a forgery.
        if (check.Status == CredentialStatus.Genuine && !SameClaims(check.Claims!, seed))
        {
            throw new InvalidOperationException($"{pass}: Genuine verdict for claims that were never signed: token {Convert.ToHexStringLower(check.Claims!.TokenId)}.");
        }

        // One credential, one text: canonical COSE and the low-S rule leave the seed exactly one encoding,
        // so a second text with the seed's claims verifying (the ECDSA twin (r, n - s), say) is a finding too.
        if (check.Status == CredentialStatus.Genuine && !string.Equals(payload, SeedPayload, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{pass}: Genuine verdict for a second encoding of the seed credential.");
        }
    }

    private static bool SameClaims(CredentialClaims a, CredentialClaims b) =>
        a.TokenId.AsSpan().SequenceEqual(b.TokenId) && a.Snapshot.Equals(b.Snapshot)
        && a.IssuedAt == b.IssuedAt && a.ExpiresAt == b.ExpiresAt && string.Equals(a.Issuer, b.Issuer, StringComparison.Ordinal);

    private static ECDsa LoadKey()
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(FuzzTestKeyPem);
        return ecdsa;
    }

    private static CredentialSnapshot SeedSnapshot() => new()
    {
        LicenseNumber = "11010519491231002X",
        HolderName = "张三 (synthetic)",
        LicenseClass = "C1",
        Status = LicenseStatus.Normal,
        ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
    };

    /// <summary>The fuzz key as the decoder's key source: one public key, found by its id (SHA-256 of the SPKI, 8 bytes).</summary>
    private sealed class FuzzKeys : IIssuerKeySource
    {
        private readonly byte[] _keyId;
        private readonly PublicIssuerKey _key;

        public FuzzKeys()
        {
            using var ecdsa = LoadKey();
            _keyId = KeyIdOf(ecdsa);
            _key = PublicIssuerKey.TryCreate(Convert.ToHexStringLower(_keyId), ecdsa.ExportSubjectPublicKeyInfo(), null, null)
                ?? throw new InvalidOperationException("The fuzz key is not a P-256 key.");
        }

        public string UnknownKeyHint => "the fuzz key";

        public static byte[] KeyIdOf(ECDsa key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8];

        public bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey key)
        {
            key = _key;
            return keyId.SequenceEqual(_keyId);
        }
    }

    /// <summary>A clock that never moves, so verdicts depend on the input alone.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
