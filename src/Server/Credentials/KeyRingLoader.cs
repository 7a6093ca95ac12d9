using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Credentials;

/// <summary>Builds the key ring from configured PEM files, or from a persisted development key.</summary>
public static partial class KeyRingLoader
{
    public static KeyRing Load(CredentialOptions options, TimeProvider time, ILogger logger)
    {
        if (options.Keys.Count == 0)
        {
            var devKey = LoadOrCreateDevelopmentKey(options.DevelopmentKeyPath, logger);
            return new KeyRing([devKey], devKey);
        }

        var keys = new List<RingKey>(options.Keys.Count);
        foreach (var configured in options.Keys)
        {
            using var ecdsa = ECDsa.Create();
            if (!string.IsNullOrWhiteSpace(configured.PrivateKeyPath))
            {
                ecdsa.ImportFromPem(File.ReadAllText(configured.PrivateKeyPath));
                keys.Add(RingKey.FromPrivateKey(ecdsa, configured.NotBefore, configured.NotAfter));
            }
            else
            {
                ecdsa.ImportFromPem(File.ReadAllText(configured.PublicKeyPath!));
                keys.Add(RingKey.FromPublicKey(ecdsa, configured.NotBefore, configured.NotAfter));
            }
        }

        var now = time.GetUtcNow();
        var signing = options.SigningKeyId is { Length: > 0 } id
            ? keys.FirstOrDefault(k => string.Equals(k.KeyIdHex, id, StringComparison.OrdinalIgnoreCase))
              ?? throw new OptionsValidationException(CredentialOptions.SectionName, typeof(CredentialOptions),
                  [$"SigningKeyId {id} names no configured key."])
            : keys.LastOrDefault(k => k.CanSign && k.IsValidAt(now, TimeSpan.Zero))
              ?? throw new OptionsValidationException(CredentialOptions.SectionName, typeof(CredentialOptions),
                  ["No configured key has a private key valid now, so nothing can sign credentials."]);
        if (!signing.CanSign)
        {
            throw new OptionsValidationException(CredentialOptions.SectionName, typeof(CredentialOptions),
                [$"SigningKeyId {signing.KeyIdHex} has no private key."]);
        }

        LogKeyRing(logger, keys.Count, signing.KeyIdHex);
        return new KeyRing(keys, signing);
    }

    private static RingKey LoadOrCreateDevelopmentKey(string path, ILogger logger)
    {
        using var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            try
            {
                // CreateNew: when two replicas start at once against one data folder, one writes and the
                // other reads what it wrote, so both sign with the same key.
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(path, fileOptions))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
                }

                LogDevelopmentKeyCreated(logger, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                ecdsa.ImportFromPem(File.ReadAllText(path));
            }
        }

        var key = RingKey.FromPrivateKey(ecdsa);
        LogDevelopmentKeyInUse(logger, key.KeyIdHex, path);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created a development issuer key at {Path}.")]
    private static partial void LogDevelopmentKeyCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing credentials with the DEVELOPMENT key {KeyId} from {Path}. Configure Credentials:Keys for production.")]
    private static partial void LogDevelopmentKeyInUse(ILogger logger, string keyId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring loaded: {Count} key(s), signing with {KeyId}.")]
    private static partial void LogKeyRing(ILogger logger, int count, string keyId);
}
