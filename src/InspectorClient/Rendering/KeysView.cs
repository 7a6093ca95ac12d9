using System.Globalization;
using ELicense.V1;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders the issuer's public keys.</summary>
public static class KeysView
{
    /// <summary>Writes the issuer, the allowed clock skew and a table of keys.</summary>
    public static void Render(IAnsiConsole console, ListIssuerKeysResponse response, TimeProvider time)
    {
        console.MarkupLine(
            $"[grey]issuer:[/] {Markup.Escape(response.Issuer)}  [grey]max clock skew:[/] " +
            string.Create(CultureInfo.InvariantCulture, $"{response.MaxClockSkewSeconds}s"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Key id")
            .AddColumn("Algorithm")
            .AddColumn("Not before")
            .AddColumn("Not after")
            .AddColumn("Signing");
        foreach (var key in response.Keys)
        {
            table.AddRow(
                Markup.Escape(key.KeyId),
                Markup.Escape(key.Algorithm),
                key.NotBeforeTime is null ? "no lower bound" : Formats.LocalDateTime(key.NotBeforeTime, time),
                key.NotAfterTime is null ? "no upper bound" : Formats.LocalDateTime(key.NotAfterTime, time),
                key.Signing ? $"[{Palette.Green}]yes[/]" : "no");
        }

        console.Write(table);
    }
}
