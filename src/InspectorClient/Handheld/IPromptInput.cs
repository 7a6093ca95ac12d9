namespace ELicense.Inspector.Handheld;

/// <summary>Where the console's input comes from: a terminal's keys, or lines on a pipe.</summary>
public interface IPromptInput
{
    /// <summary>
    /// Shows <paramref name="promptMarkup"/> and reads one event. With <paramref name="hotkeys"/> a hotkey at an
    /// empty prompt is returned at once; with <paramref name="idle"/> a <see cref="InputEvent.Tick"/> comes back
    /// when nothing has been typed for that long.
    /// </summary>
    Task<InputEvent> ReadAsync(string promptMarkup, bool hotkeys, TimeSpan? idle, CancellationToken cancellationToken);
}
