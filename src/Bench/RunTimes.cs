namespace ELicense.Bench;

/// <summary>
/// The timestamps of a finished run: its start, the end of the warm-up (the measurement's start), and
/// when the last answer came.
/// </summary>
public readonly record struct RunTimes(long Start, long MeasureStart, long End);
