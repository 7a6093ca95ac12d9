using System.Security.Cryptography;

namespace ELicense.Server.Internal;

/// <summary>A secret key kept in a file of raw bytes, generated on first use, or configured in base64 (the audit subject key, the Redis protection key).</summary>
internal static class KeyFile
{
    /// <summary>Decodes a key configured in base64 instead of a file; false unless it is exactly <paramref name="length"/> bytes.</summary>
    public static bool TryDecodeBase64(string base64, int length, out byte[] key)
    {
        var buffer = new byte[length + 3];
        if (Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == length)
        {
            key = buffer[..length];
            return true;
        }

        key = [];
        return false;
    }

    /// <summary>
    /// Reads the key file, or creates it with random bytes (owner read/write only). The key is written to a
    /// temporary file, flushed to disk and then linked into place without overwriting, so that two replicas
    /// starting at once against one folder end up with the same complete key: the loser reads the winner's file.
    /// </summary>
    public static byte[] LoadOrCreate(string path, int length, string what, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            return Read(path, length, what);
        }

        var key = RandomNumberGenerator.GetBytes(length);
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
                created = true;
                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                return Read(path, length, what);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static byte[] Read(string path, int length, string what)
    {
        var key = File.ReadAllBytes(path);
        if (key.Length != length)
        {
            throw new InvalidDataException($"The {what} file {path} must hold exactly {length} bytes.");
        }

        return key;
    }
}
