using System.Text.Json;

namespace ELicense.Inspector.Offline;

/// <summary>Why cached keys were not used.</summary>
public enum KeyCacheProblem
{
    /// <summary>Nothing wrong (or no cache file yet).</summary>
    None,

    /// <summary>The file cannot be read or is not a well-formed key cache.</summary>
    Unreadable,

    /// <summary>The file or its directory may be changed by another user (or is not this user's).</summary>
    NotPrivate,
}

/// <summary>
/// The issuer's public keys on disk, so that a handheld can check signatures with no connection. Whoever
/// can write this file decides which signatures verify offline, so it is used only when neither it nor
/// its directory can be changed by another user. (A program running as the officer's own user can change
/// it, as it could change the inspector itself; offline answers are amber and re-verified online.)
/// </summary>
public sealed class IssuerKeyCache(string directory)
{
    /// <summary>The file name inside the cache directory.</summary>
    public const string FileName = "issuer-keys.json";

    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>The cache file.</summary>
    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>The cached keys, or null when there are none or the file is unusable (a later fetch rewrites it).</summary>
    public CachedIssuerKeys? Load() => Load(out _);

    /// <summary>The cached keys, or null with the reason in <paramref name="problem"/> (None when there is simply no file).</summary>
    public CachedIssuerKeys? Load(out KeyCacheProblem problem)
    {
        problem = KeyCacheProblem.None;
        try
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            if (!IsPrivate(Path) || !IsPrivate(directory))
            {
                problem = KeyCacheProblem.NotPrivate;
                return null;
            }

            var keys = JsonSerializer.Deserialize(File.ReadAllText(Path), OfflineJson.Default.CachedIssuerKeys);
            if (IsComplete(keys))
            {
                return keys;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
        }

        problem = KeyCacheProblem.Unreadable;
        return null;
    }

    /// <summary>Replaces the cached keys.</summary>
    public void Save(CachedIssuerKeys keys) =>
        PrivateFile.WriteAllText(Path, JsonSerializer.Serialize(keys, OfflineJson.Default.CachedIssuerKeys));

    // JSON that parses may still lack members (the serializer leaves them null): such a file is unreadable.
    private static bool IsComplete(CachedIssuerKeys? keys) =>
        keys is { Server: not null, Issuer: not null, Keys: not null }
        && keys.Keys.All(k => k is { KeyId: not null, Algorithm: not null, PublicKeySpki: not null });

    /// <summary>
    /// Not writable by group or others, and owned by this user: changing a file's mode is allowed to its
    /// owner only (and root), so setting the mode it already has tells ownership without native calls.
    /// </summary>
    private static bool IsPrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & WritableByOthers) != 0)
        {
            return false;
        }

        try
        {
            File.SetUnixFileMode(path, mode);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
