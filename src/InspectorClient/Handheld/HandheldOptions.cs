namespace ELicense.Inspector.Handheld;

/// <summary>The console's fixed settings.</summary>
/// <param name="Officer">Who is on shift (shown and exported).</param>
/// <param name="DeviceId">This handheld's id (sent with scans).</param>
/// <param name="Server">The server's URL.</param>
/// <param name="Deadline">The per-attempt deadline, for error texts.</param>
/// <param name="ForcedOffline">--offline: never call the server.</param>
/// <param name="CacheDirectory">Where the key cache and the offline queue live.</param>
/// <param name="ProbeInterval">How often an idle console checks the connection.</param>
/// <param name="ExportDirectory">Where CSV exports go by default.</param>
public sealed record HandheldOptions(
    string Officer,
    string DeviceId,
    Uri Server,
    TimeSpan Deadline,
    bool ForcedOffline,
    string CacheDirectory,
    TimeSpan ProbeInterval,
    string ExportDirectory)
{
    /// <summary>Every replica the console's calls are balanced over, <see cref="Server"/> first.</summary>
    public IReadOnlyList<Uri> Replicas
    {
        get => _replicas is { Count: > 0 } replicas && replicas[0] == Server ? replicas : [Server];
        init => _replicas = value;
    }

    private readonly IReadOnlyList<Uri>? _replicas;

    /// <summary>The server as the screen names it: the first replica, and how many more there are.</summary>
    public string ServerLabel => Replicas.Count == 1 ? Server.ToString() : $"{Server} (+{Replicas.Count - 1})";
}

/// <summary>Asks the officer for one more line (a plate, a purpose, a file name); null when nothing was given.</summary>
public delegate Task<string?> AskAsync(string prompt, CancellationToken cancellationToken);
