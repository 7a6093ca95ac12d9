using System.Globalization;
using ELicense.V1;
using Spectre.Console;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders the issuer's public keys.</summary>
public static class KeysView
{
    /// <summary>Writes the issuer, the allowed clock skew, the licence credential policy and a table of keys.</summary>
    public static void Render(IAnsiConsole console, ListIssuerKeysResponse response, TimeProvider time)
    {
        console.MarkupLine(
            $"[grey]issuer:[/] {Markup.Escape(response.Issuer)}  [grey]max clock skew:[/] " +
            string.Create(CultureInfo.InvariantCulture, $"{response.MaxClockSkewSeconds}s"));
        // The limits offline checks follow; an older server publishes none, and then nothing is confirmed offline.
        var license = response.DocumentPolicies.FirstOrDefault(p => p.DocumentType == CredentialDocumentType.DrivingLicense);
        console.MarkupLine(license is null
            ? $"[{Palette.Amber}]no credential policy published: offline checks confirm nothing with these keys[/]"
            : string.Create(CultureInfo.InvariantCulture,
                $"[grey]licence credentials:[/] prefix {Markup.Escape(license.Prefix)}  [grey]max length:[/] {license.MaxPayloadLength}  [grey]max lifetime:[/] {license.MaxLifetimeSeconds}s"));
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
