namespace ELicense.Inspector.Handheld;

/// <summary>
/// Holds the cache directory for one console alone: two consoles writing one queue file would lose each
/// other's checks. The lock is a file opened without sharing, so it goes when the process goes.
/// </summary>
public sealed class DeviceLock : IDisposable
{
    /// <summary>The lock file's name inside the cache directory.</summary>
    public const string FileName = "console.lock";

    private readonly FileStream _file;

    private DeviceLock(FileStream file) => _file = file;

    /// <summary>Takes <paramref name="directory"/>; throws <see cref="CacheDirectoryInUseException"/> when another console holds it.</summary>
    public static DeviceLock Take(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return new DeviceLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new CacheDirectoryInUseException(
                $"another inspector console is using the cache directory {directory} (its offline queue); give this one another --cache-dir", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
