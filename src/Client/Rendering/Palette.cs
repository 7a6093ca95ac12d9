namespace ELicense.Client.Rendering;

/// <summary>The colours of the views, as Spectre markup colour names.</summary>
public static class Palette
{
    /// <summary>Pass.</summary>
    public const string Green = "green";

    /// <summary>Fail.</summary>
    public const string Red = "red";

    /// <summary>Warnings that do not change the verdict.</summary>
    public const string Amber = "orange1";
}
