using System.Globalization;

namespace ELicense.Server.Auditing;

/// <summary>The arguments of <c>audit verify</c>.</summary>
public static partial class AuditCommand
{
    internal sealed record Arguments(bool Help, string? AuditPath, (long Sequence, byte[] Hash)? Anchor = null);

    /// <summary>
    /// Parses <c>verify</c> and configuration switches (<c>--Section:Key=value</c> or
    /// <c>--Section:Key value</c>) in any order; only <c>--Audit:Path</c> is used, the others belong to the host.
    /// </summary>
    internal static bool TryParse(IReadOnlyList<string> args, out Arguments parsed, out string error)
    {
        string? auditPath = null;
        (long Sequence, byte[] Hash)? anchor = null;
        string? verb = null;
        parsed = new Arguments(false, null);
        error = string.Empty;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            var inline = name.Length < arg.Length ? arg[(eq + 1)..] : null;

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : null); // "--Audit:Path FILE"
                if (string.Equals(name, "--Audit:Path", StringComparison.OrdinalIgnoreCase))
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        error = "--Audit:Path needs a file.";
                        return false;
                    }

                    auditPath = value;
                }

                continue;
            }

            if (name == "--anchor")
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                if (!TryParseAnchor(value, out var parsedAnchor))
                {
                    error = "--anchor needs SEQ:HASH as an earlier `audit verify` printed it (a record number, a colon, 64 hex digits).";
                    return false;
                }

                anchor = parsedAnchor;
                continue;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    parsed = new Arguments(true, null);
                    return true;
                case "verify" when verb is null:
                    verb = name;
                    break;
                default:
                    error = $"Unknown argument '{arg}'.";
                    return false;
            }
        }

        if (verb is null)
        {
            error = "Missing sub-command: audit verify.";
            return false;
        }

        parsed = new Arguments(false, auditPath, anchor);
        return true;
    }

    private static bool TryParseAnchor(string? value, out (long Sequence, byte[] Hash) anchor)
    {
        anchor = default;
        var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (value is null || colon <= 0 || value.Length - colon - 1 != AuditChain.HashSize * 2
            || !long.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            return false;
        }

        try
        {
            anchor = (sequence, Convert.FromHexString(value.AsSpan(colon + 1)));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
