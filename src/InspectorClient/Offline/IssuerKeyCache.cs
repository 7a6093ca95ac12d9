using System.Text.Json;

namespace ELicense.Inspector.Offline;

/// <summary>The issuer's public keys on disk, so that a handheld can check signatures with no connection.</summary>
public sealed class IssuerKeyCache(string directory)
{
    /// <summary>The file name inside the cache directory.</summary>
    public const string FileName = "issuer-keys.json";

    /// <summary>The cache file.</summary>
    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>The cached keys, or null when there are none or the file is unreadable (a later fetch rewrites it).</summary>
    public CachedIssuerKeys? Load()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize(File.ReadAllText(Path), OfflineJson.Default.CachedIssuerKeys) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the cached keys.</summary>
    public void Save(CachedIssuerKeys keys) =>
        PrivateFile.WriteAllText(Path, JsonSerializer.Serialize(keys, OfflineJson.Default.CachedIssuerKeys));
}
