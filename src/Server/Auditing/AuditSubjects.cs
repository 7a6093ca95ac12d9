using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Registry;
using ELicense.V1;

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
/// form, or the same licence written two ways gets two subjects. Runs on the hot path: one string
/// allocated per call, everything else on the stack, and each thread keeps its keyed HMAC (a one-shot
/// HMAC sets the key up anew on every call, which is half of its cost).
/// </remarks>
public sealed partial class AuditSubjects : IDisposable
{
    private const int HashBytes = 16;
    private const int StackLimit = 256;

    private readonly byte[] _key;
    private readonly ThreadLocal<IncrementalHash> _hmacs;

    public AuditSubjects(ReadOnlySpan<byte> key)
    {
        if (key.Length < AuditOptions.SubjectKeyBytes)
        {
            throw new ArgumentException($"The subject key must be at least {AuditOptions.SubjectKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
        _hmacs = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key), trackAllValues: true);
    }

    /// <summary>
    /// Names the key without revealing it: HMAC(key, a fixed label). Replicas that share an audit file
    /// must share the key, or the holder's view of who checked a licence misses the records of some of
    /// them; the file keeps the fingerprint of the key it was started with (see SqliteAuditLog).
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

    /// <summary>
    /// Reads the key file, or creates it with 32 random bytes (owner read/write only). The key is written
    /// to a temporary file, flushed to disk and then linked into place without overwriting, so that two
    /// replicas starting at once against one data folder end up with the same complete key: the loser of
    /// the race reads the winner's file.
    /// </summary>
    internal static byte[] LoadOrCreateKey(string path, ILogger logger)
    {
        if (File.Exists(path))
        {
            return ReadKey(path);
        }

        var key = RandomNumberGenerator.GetBytes(AuditOptions.SubjectKeyBytes);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, fileOptions))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
                LogKeyCreated(logger, path);
                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                return ReadKey(path);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static byte[] ReadKey(string path)
    {
        var key = File.ReadAllBytes(path);
        if (key.Length != AuditOptions.SubjectKeyBytes)
        {
            throw new InvalidDataException($"The audit subject key file {path} must hold exactly {AuditOptions.SubjectKeyBytes} bytes.");
        }

        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created an audit subject key at {Path}; keep it with the audit file, or earlier records can no longer be found by subject.")]
    private static partial void LogKeyCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit subjects use the configured key (Audit:SubjectKey).")]
    private static partial void LogConfiguredKey(ILogger logger);

    /// <summary>The subject of a driving licence, by its number.</summary>
    public string License(string number) => Compute('L', number);

    /// <summary>The subject of a vehicle, by its plate (canonical text <see cref="RegistryKeys.Plate"/>).</summary>
    public string Plate(Plate plate) => Compute('P', RegistryKeys.Plate(plate));

    /// <summary>The subject of a vehicle, by its VIN.</summary>
    public string Vin(string vin) => Compute('V', vin);

    /// <summary>
    /// The caller id recorded for a refused call that named no configured caller: <c>anonymous:</c> and the
    /// keyed hash of the peer's IP address (kind N, the port left out), never the address itself — so that
    /// a flood from one peer reads as one caller in the trail, yet the trail holds no network identifier.
    /// </summary>
    public string Anonymous(System.Net.IPAddress? peer)
    {
        var address = peer is { IsIPv4MappedToIPv6: true } ? peer.MapToIPv4() : peer;
        return string.Concat(AnonymousPrefix, Compute('N', address?.ToString() ?? "unknown").AsSpan(2));
    }

    /// <summary>The start of <see cref="Anonymous"/> ids; configured caller ids may not start with it.</summary>
    public const string AnonymousPrefix = "anonymous:";

    private string Compute(char kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var maxBytes = 2 + Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var input = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            input[0] = (byte)kind;
            input[1] = (byte)':';
            var length = 2 + Encoding.UTF8.GetBytes(value, input[2..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var hmac = _hmacs.Value!;
            hmac.AppendData(input[..length]);
            hmac.GetHashAndReset(mac); // back to the keyed initial state for this thread's next call
            Span<char> subject = stackalloc char[2 + (HashBytes * 2)];
            subject[0] = kind;
            subject[1] = ':';
            Convert.TryToHexStringLower(mac[..HashBytes], subject[2..], out _);
            return new string(subject);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(rented.AsSpan(0, maxBytes));
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Dispose()
    {
        foreach (var hmac in _hmacs.Values)
        {
            hmac.Dispose();
        }

        _hmacs.Dispose();
    }
}
