namespace ELicense.Inspector.Handheld;

/// <summary>The one-key actions of the console, pressed at an empty prompt.</summary>
public enum Hotkey
{
    /// <summary>V: check the vehicle the driver is in (asks the plate).</summary>
    Vehicle,

    /// <summary>W (违章): list the violations of the current licence, or of a plate.</summary>
    Violations,

    /// <summary>T: check whether the vehicle may be transferred.</summary>
    Transfer,

    /// <summary>N: clear the result, ready for the next scan.</summary>
    NewScan,

    /// <summary>S: re-verify the offline queue now.</summary>
    Sync,

    /// <summary>X: export the shift history as CSV.</summary>
    Export,

    /// <summary>Q: end the shift.</summary>
    Quit,
}

/// <summary>
/// Which key is which action. Letters act only at an empty prompt, where no scan, licence number
/// (digits), plate (a province character) or absolute path can begin with them: a scanner's "EDL1:" starts
/// with E, which is deliberately not a hotkey. A relative image path that starts with one of these
/// letters is typed as ./name.
/// </summary>
public static class Hotkeys
{
    /// <summary>The key letter of each action, in the order the footer lists them.</summary>
    public static readonly IReadOnlyList<(char Key, Hotkey Action)> Table =
    [
        ('V', Hotkey.Vehicle),
        ('W', Hotkey.Violations),
        ('T', Hotkey.Transfer),
        ('N', Hotkey.NewScan),
        ('S', Hotkey.Sync),
        ('X', Hotkey.Export),
        ('Q', Hotkey.Quit),
    ];

    /// <summary>The action of a key, either case; null for any other key.</summary>
    public static Hotkey? FromKey(char key)
    {
        var upper = char.ToUpperInvariant(key);
        foreach (var (letter, action) in Table)
        {
            if (letter == upper)
            {
                return action;
            }
        }

        return null;
    }

    /// <summary>A whole line that is one hotkey letter (for piped input, where keys arrive as lines).</summary>
    public static Hotkey? FromLine(string line) => line.Trim() is { Length: 1 } one ? FromKey(one[0]) : null;
}
