namespace ELicense.Inspector.Offline;

/// <summary>Why the offline verifier confirmed nothing without looking at the code (its answer is STATUS_UNAVAILABLE).</summary>
public enum NotCheckedOffline
{
    /// <summary>The code was checked: the verdict is the decoder's.</summary>
    None,

    /// <summary>The handheld's clock reads earlier than its own last key fetch: the time window cannot be trusted.</summary>
    ClockSetBack,

    /// <summary>The cached keys carry no usable credential policy (none published, or one out of bounds).</summary>
    NoUsablePolicy,
}
