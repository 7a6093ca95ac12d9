using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>Everything the screen shows: the header's facts, the last answer, the shift history, a message.</summary>
public sealed class HandheldState(string officer, string deviceId, string server)
{
    /// <summary>Who is on shift.</summary>
    public string Officer { get; } = officer;

    /// <summary>This handheld's id.</summary>
    public string DeviceId { get; } = deviceId;

    /// <summary>The server's URL.</summary>
    public string Server { get; } = server;

    /// <summary>Online, offline, or forced offline.</summary>
    public ConnectionState Connection { get; set; } = ConnectionState.Unknown;

    /// <summary>The last call's round-trip time.</summary>
    public TimeSpan? RoundTrip { get; set; }

    /// <summary>When the cached issuer keys were fetched, or null without keys.</summary>
    public DateTimeOffset? KeysFetchedAt { get; set; }

    /// <summary>Offline checks waiting to be re-verified.</summary>
    public int Queued { get; set; }

    /// <summary>The last licence answer.</summary>
    public LicenceResult? Current { get; set; }

    /// <summary>A follow-up answer shown under it.</summary>
    public Detail? Detail { get; set; }

    /// <summary>The plate of the vehicle last checked, for the transfer check.</summary>
    public Plate? CurrentPlate { get; set; }

    /// <summary>A one-line message for the footer.</summary>
    public (string Text, Tone Tone)? Message { get; set; }

    /// <summary>The shift's checks, oldest first.</summary>
    public List<HistoryEntry> History { get; } = [];
}
