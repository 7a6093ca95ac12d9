using Spectre.Console;
using Spectre.Console.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The large verdict banner: three full-width rows in the verdict's colour with the word in the middle,
/// readable at arm's length in sunlight.
/// </summary>
public sealed class VerdictBlock(string word, Tone tone) : Renderable
{
    /// <summary>The banner's style for a tone: white on green or red, black on amber.</summary>
    public static Style StyleOf(Tone tone) => tone switch
    {
        Tone.Green => new Style(Color.White, Color.Green, Decoration.Bold),
        Tone.Red => new Style(Color.White, Color.Red, Decoration.Bold),
        Tone.Amber => new Style(Color.Black, Color.Orange1, Decoration.Bold),
        _ => new Style(Color.White, Color.Grey, Decoration.Bold),
    };

    /// <summary>The symbol before the word, so that the verdict reads without colour too.</summary>
    public static string SymbolOf(Tone tone) => tone switch
    {
        Tone.Green => "✔",
        Tone.Red => "✘",
        Tone.Amber => "⚠",
        _ => "•",
    };

    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth) => new(maxWidth, maxWidth);

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var style = StyleOf(tone);
        var blank = new Segment(new string(' ', maxWidth), style);
        var label = $"{SymbolOf(tone)}  {word}";
        var text = new Segment(label, style);
        var free = Math.Max(0, maxWidth - text.CellCount());
        yield return blank;
        yield return Segment.LineBreak;
        yield return new Segment(new string(' ', free / 2), style);
        yield return text;
        yield return new Segment(new string(' ', free - free / 2), style);
        yield return Segment.LineBreak;
        yield return blank;
        yield return Segment.LineBreak;
    }
}
