namespace ELicense.Server.Auditing;

/// <summary>
/// A record about several subjects (a roadside check is about a driver and a vehicle) names them all in its one
/// subject text, separated by a space: <c>L:3f2a… P:91c0…</c>. A subject itself never holds a space (a kind
/// letter, a colon and hex, or the anonymous prefix and hex), so splitting is exact, and a record of one subject
/// is written as before. The subject index takes each part in, so every subject finds the record.
/// </summary>
public sealed partial class AuditSubjects
{
    /// <summary>What separates the subjects of one record.</summary>
    public const char Separator = ' ';

    /// <summary>The subject text of a record about <paramref name="parts"/> (empty ones left out).</summary>
    public static string Join(params ReadOnlySpan<string?> parts)
    {
        var text = "";
        foreach (var part in parts)
        {
            if (!string.IsNullOrEmpty(part))
            {
                text = text.Length == 0 ? part : text + Separator + part;
            }
        }

        return text;
    }

    /// <summary>
    /// The subjects a record's subject text names; a text without a separator (one subject, or none: the empty
    /// subject of a record about nobody) is its own only part, so such records are indexed exactly as before.
    /// </summary>
    public static string[] Split(string recordSubject) =>
        recordSubject.Contains(Separator, StringComparison.Ordinal)
            ? recordSubject.Split(Separator, StringSplitOptions.RemoveEmptyEntries)
            : [recordSubject];

    /// <summary>True when the record's subject text names <paramref name="subject"/> (one subject, no separator).</summary>
    public static bool Names(string? recordSubject, string subject)
    {
        if (recordSubject is null || string.Equals(recordSubject, subject, StringComparison.Ordinal))
        {
            return recordSubject is not null;
        }

        foreach (var range in recordSubject.AsSpan().Split(Separator))
        {
            if (subject.Length > 0 && recordSubject.AsSpan(range).SequenceEqual(subject))
            {
                return true;
            }
        }

        return false;
    }
}
