using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// What every part of the console shares: its settings, the screen's state, its words and its clock.
/// One object instead of four constructor arguments in each of the parts.
/// </summary>
/// <param name="Options">The console's fixed settings.</param>
/// <param name="State">What the screen shows.</param>
/// <param name="Text">The console's words.</param>
/// <param name="Time">The clock (a fake one in tests).</param>
public sealed record HandheldContext(HandheldOptions Options, HandheldState State, UiText Text, TimeProvider Time)
{
    /// <summary>Puts a one-line message in the footer.</summary>
    // Messages quote file names, typed lines and server error details: no terminal control characters.
    public void Say(string text, Tone tone) => State.Message = (TerminalText.Clean(text), tone);
}
