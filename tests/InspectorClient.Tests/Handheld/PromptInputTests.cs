using ELicense.Inspector.Handheld;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests.Handheld;

public sealed class PromptInputTests
{
    private readonly TestConsole _console = new TestConsole().Width(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyInput_ScannerTypesPayloadAndEnter_IsOneLineWithoutExtraKey()
    {
        var payload = "EDL1:6BF OXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE";
        _console.Input.PushTextWithEnter(payload);
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        var read = await input.ReadAsync("scan ▸ ", hotkeys: true, idle: null, Ct);

        Assert.Equal(new InputEvent.Line(payload), read);
        Assert.Contains(payload, _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LineInput_ControlCharactersInTheLine_AreNotEchoedToTheTerminal()
    {
        var line = "\u001b]0;owned\u0007\u001b[2J\u001b[42mVALID";
        var input = new LinePromptInput(_console, new StringReader(line + "\n"));

        var read = await input.ReadAsync("scan ▸ ", hotkeys: true, idle: null, Ct);

        Assert.Equal(new InputEvent.Line(line), read);
        Assert.DoesNotContain(_console.Output, c => ELicense.Inspector.Rendering.TerminalText.IsUnsafe(c) && c != '\n');
        Assert.Contains("\uFFFD[2J\uFFFD[42mVALID", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlFree_TextWithEscapes_RendersWithoutThem()
    {
        var console = new TestConsole().Width(30);

        console.Write(new ELicense.Inspector.Rendering.ControlFree(new Text("ab\u001b[2Jcd\u009b")));

        Assert.Contains("ab\uFFFD[2Jcd\uFFFD", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(console.Output, c => ELicense.Inspector.Rendering.TerminalText.IsUnsafe(c) && c != '\n');
    }

    [Fact]
    public async Task KeyInput_HotkeyAtEmptyPrompt_ActsAtOnce()
    {
        _console.Input.PushCharacter('v');
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Key(Hotkey.Vehicle), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
    }

    [Fact]
    public async Task KeyInput_HotkeyLetterInsideText_IsText()
    {
        // "./violations.png": the letter v comes after other characters, so it is part of the line.
        _console.Input.PushTextWithEnter("./violations.png");
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Line("./violations.png"), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
    }

    [Fact]
    public async Task KeyInput_HotkeysOff_LetterIsText()
    {
        _console.Input.PushTextWithEnter("q");
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Line("q"), await input.ReadAsync("▸ ", hotkeys: false, idle: null, Ct));
    }

    [Fact]
    public async Task KeyInput_Backspace_RemovesTheLastCharacter()
    {
        PushText("京A123456");
        _console.Input.PushKey(ConsoleKey.Backspace);
        _console.Input.PushKey(ConsoleKey.Enter);
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Line("京A12345"), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
    }

    [Fact]
    public async Task KeyInput_Escape_ClearsTheLine()
    {
        _console.Input.PushText("123");
        _console.Input.PushKey(ConsoleKey.Escape);
        _console.Input.PushCharacter('n');
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Key(Hotkey.NewScan), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
    }

    [Fact]
    public async Task KeyInput_BidiOverride_IsNeitherEchoedNorKept()
    {
        // A right-to-left override pasted before a path would make the echo read backwards on some terminals.
        PushText("\u202Egnp.rq/.");
        _console.Input.PushKey(ConsoleKey.Enter);
        var input = new KeyPromptInput(_console, _console.Input, new FakeTimeProvider());

        Assert.Equal(new InputEvent.Line("gnp.rq/."), await input.ReadAsync("▸ ", hotkeys: false, idle: null, Ct));
        Assert.DoesNotContain('\u202E', _console.Output);
    }

    [Fact]
    public async Task KeyInput_IdleAtEmptyPrompt_TicksWhenTheClockMoves()
    {
        var time = new FakeTimeProvider();
        var keys = new WaitingKeys();
        var input = new KeyPromptInput(_console, keys, time);

        var reading = input.ReadAsync("▸ ", hotkeys: true, idle: TimeSpan.FromSeconds(10), Ct);
        await keys.Waiting.Task.WaitAsync(Ct);
        Assert.False(reading.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(new InputEvent.Tick(), await reading.WaitAsync(Ct));
    }

    [Fact]
    public async Task LineInput_PublishedPrefix_ShortensThatScansEcho()
    {
        var scan = "EDL2:" + new string('A', 60);
        var input = new LinePromptInput(_console, new StringReader(scan + "\n"), () => "EDL2:");

        Assert.Equal(new InputEvent.Line(scan), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
        Assert.Contains(scan[..40] + "…", _console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(scan, _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LineInput_Lines_AreLinesHotkeysAndEnd()
    {
        var input = new LinePromptInput(_console, new StringReader("EDL1:ABC DEF\nv\n京A12345\n"));

        Assert.Equal(new InputEvent.Line("EDL1:ABC DEF"), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
        Assert.Equal(new InputEvent.Key(Hotkey.Vehicle), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
        Assert.Equal(new InputEvent.Line("京A12345"), await input.ReadAsync("▸ ", hotkeys: false, idle: null, Ct));
        Assert.Equal(new InputEvent.End(), await input.ReadAsync("▸ ", hotkeys: true, idle: null, Ct));
    }

    /// <summary>Types text as a terminal delivers it: characters outside ASCII come with no ConsoleKey.</summary>
    private void PushText(string text)
    {
        foreach (var c in text)
        {
            _console.Input.PushKey(new ConsoleKeyInfo(c, c < 128 ? (ConsoleKey)char.ToUpperInvariant(c) : 0, false, false, false));
        }
    }

    [Theory]
    [InlineData('a', 1)]
    [InlineData('京', 2)]
    [InlineData('Ａ', 2)]
    public void CellWidth_WideCharacters_TakeTwoCells(char c, int width)
    {
        Assert.Equal(width, KeyPromptInput.CellWidth(c));
    }

    /// <summary>A keyboard nobody types on: waits until cancelled.</summary>
    private sealed class WaitingKeys : IAnsiConsoleInput
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsKeyAvailable() => false;

        public ConsoleKeyInfo? ReadKey(bool intercept) => throw new InvalidOperationException("no keys");

        public async Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }
}
