using System.Text.Json;

namespace ELicense.Inspector.Offline;

/// <summary>
/// The checks made offline and not yet re-verified online, persisted after every change so that a
/// restart or a flat battery loses none. One handheld process owns the file at a time.
/// </summary>
public sealed class OfflineQueue
{
    /// <summary>The file name inside the cache directory.</summary>
    public const string FileName = "offline-queue.json";

    private readonly List<QueuedCheck> _items;

    private OfflineQueue(string path, List<QueuedCheck> items, string? setAside)
    {
        Path = path;
        _items = items;
        SetAsidePath = setAside;
    }

    /// <summary>The queue file.</summary>
    public string Path { get; }

    /// <summary>Where an unreadable queue file was moved on load (kept for a person to look at), or null.</summary>
    public string? SetAsidePath { get; }

    /// <summary>The queued checks, oldest first.</summary>
    public IReadOnlyList<QueuedCheck> Items => _items;

    /// <summary>
    /// Loads the queue from <paramref name="directory"/>. An unreadable file is never silently dropped: it
    /// is renamed aside (see <see cref="SetAsidePath"/>) and the queue starts empty.
    /// </summary>
    public static OfflineQueue Load(string directory, DateTimeOffset now)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new OfflineQueue(path, [], null);
        }

        try
        {
            // JSON that parses may still lack members (the serializer leaves them null): that is unreadable too.
            if (JsonSerializer.Deserialize(File.ReadAllText(path), OfflineJson.Default.ListQueuedCheck) is { } items && items.All(IsComplete))
            {
                return new OfflineQueue(path, items, null);
            }
        }
        catch (JsonException)
        {
        }

        var aside = $"{path}.unreadable-{now.ToUnixTimeSeconds()}";
        File.Move(path, aside, overwrite: true);
        return new OfflineQueue(path, [], aside);
    }

    /// <summary>
    /// Adds a check and saves. When saving fails (the exception is thrown) the check stays queued in
    /// memory and goes to disk with the next save.
    /// </summary>
    public void Add(QueuedCheck check)
    {
        _items.Add(check);
        Save();
    }

    /// <summary>Removes the check with <paramref name="id"/> and saves; false when it was not queued.</summary>
    public bool Remove(string id)
    {
        var removed = _items.RemoveAll(c => c.Id == id) > 0;
        if (removed)
        {
            Save();
        }

        return removed;
    }

    private static bool IsComplete(QueuedCheck? check) =>
        check is { Id.Length: > 0, Payload.Length: > 0, DeviceId.Length: > 0 };

    private void Save() => PrivateFile.WriteAllText(Path, JsonSerializer.Serialize(_items, OfflineJson.Default.ListQueuedCheck));
}
