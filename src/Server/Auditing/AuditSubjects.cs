using System.Globalization;
using System.Security.Cryptography;
using ELicense.Server.Internal;
using ELicense.V1;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Auditing;

/// <summary>
/// The subjects of audit records: keyed hashes of licence numbers, plates and VINs, so that the trail
/// can be searched by subject yet never holds a clear identifier (a licence number is a resident
/// identity number). A subject is the kind letter, a colon and the lowercase hex of the first 16 bytes
/// of HMAC-SHA256(key, kind + ":" + value), e.g. <c>L:3f2a…</c> (34 characters).
/// </summary>
/// <remarks>
/// The key makes the hashes unguessable: identity numbers have little entropy, so a plain hash could be
/// reversed by enumerating them. Values are hashed as given; callers pass the canonical (validated)
/// form, or the same licence written two ways gets two subjects. The hash and its cost: <see cref="KeyedHash"/>.
/// </remarks>
public sealed partial class AuditSubjects : IDisposable
{
    private readonly byte[] _key;
    private readonly KeyedHash _hash;

    public AuditSubjects(ReadOnlySpan<byte> key)
    {
        if (key.Length < AuditOptions.SubjectKeyBytes)
        {
            throw new ArgumentException($"The subject key must be at least {AuditOptions.SubjectKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
        _hash = new KeyedHash(_key);
    }

    /// <summary>
    /// Names the key without revealing it: HMAC(key, a fixed label). Replicas that share an audit file
    /// must share the key, or the holder's view of who checked a licence misses the records of some of
    /// them; the trail keeps the fingerprint of the key it was started with (see AuditWriter).
    /// </summary>
    public byte[] KeyFingerprint() => HMACSHA256.HashData(_key, "elicense-audit-subject-key-fingerprint-v1"u8);

    /// <summary>
    /// The subjects for these options: the configured <see cref="AuditOptions.SubjectKey"/>, else the key
    /// in <see cref="AuditOptions.SubjectKeyPath"/>, generated there on first start.
    /// </summary>
    public static AuditSubjects Create(AuditOptions options, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.SubjectKey))
        {
            if (!AuditOptions.TryDecodeSubjectKey(options.SubjectKey, out var configured))
            {
                throw new InvalidOperationException($"{AuditOptions.SectionName}:{nameof(AuditOptions.SubjectKey)} must be {AuditOptions.SubjectKeyBytes} bytes in base64.");
            }

            LogConfiguredKey(logger);
            return new AuditSubjects(configured);
        }

        return new AuditSubjects(LoadOrCreateKey(options.SubjectKeyPath, logger));
    }

    /// <summary>Reads the key file, or creates it with 32 random bytes (see <see cref="KeyFile.LoadOrCreate"/>).</summary>
    internal static byte[] LoadOrCreateKey(string path, ILogger logger)
    {
        var key = KeyFile.LoadOrCreate(path, AuditOptions.SubjectKeyBytes, "audit subject key", out var created);
        if (created)
        {
            LogKeyCreated(logger, path);
        }

        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created an audit subject key at {Path}; keep it with the audit file, or earlier records can no longer be found by subject.")]
    private static partial void LogKeyCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit subjects use the configured key (Audit:SubjectKey).")]
    private static partial void LogConfiguredKey(ILogger logger);

    /// <summary>The subject of a driving licence, by its number.</summary>
    public string License(string number) => _hash.Compute("L:", 'L', number);

    /// <summary>The subject of a vehicle, by its plate: the hash of its canonical text, the type's number in two digits, a colon, the number.</summary>
    /// <remarks>
    /// The same text as the registry's plate key, but written here: subjects are part of the trail's
    /// format (records written years ago must still be found), so they must not change with the registry.
    /// </remarks>
    public string Plate(Plate plate) => _hash.Compute("P:", 'P', PlateText(plate));

    private static string PlateText(Plate plate) => string.Create(CultureInfo.InvariantCulture, $"{(int)plate.Type:D2}:{plate.Number}");

    /// <summary>The subject of a vehicle, by its VIN.</summary>
    public string Vin(string vin) => _hash.Compute("V:", 'V', vin);

    /// <summary>
    /// The caller id recorded for a refused call that named no configured caller: <c>anonymous:</c> and the
    /// keyed hash of the peer's IP address (kind N, the port left out), never the address itself — so that
    /// a flood from one peer reads as one caller in the trail, yet the trail holds no network identifier.
    /// </summary>
    public string Anonymous(System.Net.IPAddress? peer)
    {
        var address = peer is { IsIPv4MappedToIPv6: true } ? peer.MapToIPv4() : peer;
        return _hash.Compute(AnonymousPrefix, 'N', address?.ToString() ?? "unknown");
    }

    /// <summary>The start of <see cref="Anonymous"/> ids; configured caller ids may not start with it.</summary>
    public const string AnonymousPrefix = "anonymous:";

    public void Dispose() => _hash.Dispose();
}
