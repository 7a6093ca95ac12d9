namespace ELicense.Inspector.Handheld;

/// <summary>Where an offline check stands with the server.</summary>
public enum SyncState
{
    /// <summary>Checked online: nothing to sync.</summary>
    None,

    /// <summary>Queued for re-verification.</summary>
    Pending,

    /// <summary>Re-verified: the live answer agrees.</summary>
    Confirmed,

    /// <summary>Re-verified: the live answer differs. Follow up.</summary>
    Differs,
}

/// <summary>One line of the shift history. The subject is masked: the history is shown and exported.</summary>
public sealed class HistoryEntry
{
    /// <summary>Sequence number within the shift.</summary>
    public required int Sequence { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What kind of check.</summary>
    public required CheckKind Kind { get; init; }

    /// <summary>Masked licence number or plate.</summary>
    public required string Subject { get; init; }

    /// <summary>The holder's name, when known.</summary>
    public string? Holder { get; init; }

    /// <summary>True when the server withheld the holder's name for the caller's role (exported as "withheld").</summary>
    public bool HolderWithheld { get; init; }

    /// <summary>The answer in the console's language.</summary>
    public required string Result { get; init; }

    /// <summary>The answer as a stable English code, for CSV.</summary>
    public required string ResultCode { get; init; }

    /// <summary>The reasons as stable English codes, for CSV.</summary>
    public string Reasons { get; init; } = string.Empty;

    /// <summary>The answer's colour.</summary>
    public required Tone Tone { get; init; }

    /// <summary>True for a check made offline.</summary>
    public bool Offline { get; init; }

    /// <summary>Where an offline check stands.</summary>
    public SyncState Sync { get; set; }

    /// <summary>The live answer's code once synced.</summary>
    public string? LiveResultCode { get; set; }

    /// <summary>The credential's token id, to spot a code scanned twice offline.</summary>
    public string? TokenId { get; init; }

    /// <summary>The queue id of an offline check.</summary>
    public string? QueueId { get; init; }
}
