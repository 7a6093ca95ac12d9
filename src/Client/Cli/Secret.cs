namespace ELicense.Client.Cli;

/// <summary>
/// A value that must never be shown: an API key, a certificate password. <see cref="ToString"/> hides it,
/// so a record or log line that happens to include it prints "***" instead.
/// </summary>
public sealed class Secret
{
    /// <summary>What is shown in its place.</summary>
    public const string Mask = "***";

    private readonly string _value;

    /// <summary>Wraps a non-empty value.</summary>
    public Secret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>The value itself, for the one place that sends it.</summary>
    public string Reveal() => _value;

    /// <summary>Replaces every occurrence of the value in <paramref name="text"/> by <see cref="Mask"/>.</summary>
    public string RedactFrom(string text) => text.Replace(_value, Mask, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Mask;
}
