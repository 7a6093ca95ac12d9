namespace ELicense.Inspector.Handheld;

/// <summary>What the prompt delivered.</summary>
public abstract record InputEvent
{
    /// <summary>A line ended by Enter (a scanner's, or typed).</summary>
    public sealed record Line(string Text) : InputEvent;

    /// <summary>A one-key action.</summary>
    public sealed record Key(Hotkey Action) : InputEvent;

    /// <summary>Nothing was typed for a while: time to probe the connection and redraw.</summary>
    public sealed record Tick : InputEvent;

    /// <summary>Input has ended (end of a piped stream).</summary>
    public sealed record End : InputEvent;
}
