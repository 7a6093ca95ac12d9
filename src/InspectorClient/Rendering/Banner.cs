using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>The big one-word answer at the top of a view.</summary>
public static class Banner
{
    /// <summary>A full-width heavy panel with the word in bold on the colour.</summary>
    public static IRenderable Create(string word, string colour) =>
        new Panel(new Markup($"[bold white on {colour}] {Markup.Escape(word)} [/]").Centered())
            .Border(BoxBorder.Heavy)
            .BorderColor(ColourOf(colour))
            .Expand();

    /// <summary>An amber warning line.</summary>
    public static Markup Warning(string text) => new($"[bold {Palette.Amber}]⚠ {Markup.Escape(text)}[/]");

    private static Color ColourOf(string colour) => colour switch
    {
        Palette.Green => Color.Green,
        Palette.Red => Color.Red,
        _ => Color.Orange1,
    };
}
