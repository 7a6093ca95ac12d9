namespace ELicense.Inspector.Handheld;

/// <summary>The colour an answer is shown in.</summary>
public enum Tone
{
    /// <summary>Accept: valid, live, first scan.</summary>
    Green,

    /// <summary>Refuse: not valid, forged, expired, not eligible.</summary>
    Red,

    /// <summary>Accept with care, or cannot tell: repeat scan, stale data, offline, status unavailable.</summary>
    Amber,

    /// <summary>Neutral information.</summary>
    Grey,
}
