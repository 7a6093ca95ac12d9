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

    /// <summary>An inspection mark scanned on its own (the licence not scanned yet).</summary>
    public MarkResult? Mark { get; set; }

    /// <summary>The last roadside pair's answer; shown instead of the licence card while set.</summary>
    public RoadsideResult? Roadside { get; set; }

    /// <summary>
    /// The half of a roadside pair waiting for its other half: the licence code scanned first (a mark or a plate
    /// completes it), or the mark scanned first (a licence completes it). Null once a pair is answered.
    /// </summary>
    public PendingPart? Pending { get; set; }

    /// <summary>A follow-up answer shown under it.</summary>
    public Detail? Detail { get; set; }

    /// <summary>The plate of the vehicle last checked, for the transfer check.</summary>
    public Plate? CurrentPlate { get; set; }

    /// <summary>A one-line message for the footer.</summary>
    public (string Text, Tone Tone)? Message { get; set; }

    /// <summary>The shift's checks, oldest first.</summary>
    public List<HistoryEntry> History { get; } = [];
}

/// <summary>
/// The scanned text of the first half of a roadside pair, and when it was scanned: a half waits only
/// <see cref="PairWindow"/>, so a half left over from one stop never pairs with the next stop's scan.
/// </summary>
public abstract record PendingPart(string Payload, DateTimeOffset ScannedAt)
{
    /// <summary>How long a half waits for the other: one stop's two scans, not two stops'.</summary>
    public static readonly TimeSpan PairWindow = TimeSpan.FromSeconds(90);

    /// <summary>A licence code whose signature verified, waiting for the vehicle.</summary>
    public sealed record Licence(string Payload, DateTimeOffset ScannedAt) : PendingPart(Payload, ScannedAt);

    /// <summary>
    /// An inspection mark whose signature verified, waiting for the licence, with the server's answer for it when
    /// there was one: a mark the server refused (stolen, seized…) stays refused if the pair is completed offline.
    /// </summary>
    public sealed record Mark(string Payload, DateTimeOffset ScannedAt, VehicleCheck? Live) : PendingPart(Payload, ScannedAt);
}
