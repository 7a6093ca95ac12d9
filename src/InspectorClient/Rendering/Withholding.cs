using ELicense.Inspector.Localization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Rendering;

/// <summary>
/// What the server withheld or masked in one response for the caller's role: its withheld_fields and
/// masked_fields. A withheld field carries its default value (0 points, no violations, an empty name),
/// which is not data: every view asks here first and shows "withheld for this role" instead.
/// </summary>
public sealed class Withholding
{
    private readonly string[] _withheld;
    private readonly string[] _masked;

    private Withholding(IEnumerable<string> withheld, IEnumerable<string> masked) => (_withheld, _masked) = ([.. withheld], [.. masked]);

    /// <summary>Nothing withheld: an officer's answer, or one checked offline from the signed snapshot.</summary>
    public static Withholding None { get; } = new([], []);

    /// <summary>The paths withheld, relative to the response, as the server sent them.</summary>
    public IReadOnlyList<string> WithheldPaths => _withheld;

    /// <summary>
    /// The lists of any response (found by field name, so that every shaped response works and any other
    /// message gives <see cref="None"/>).
    /// </summary>
    public static Withholding Of(IMessage? response)
    {
        if (response is null)
        {
            return None;
        }

        var withheld = Paths(response, "withheld_fields");
        var masked = Paths(response, "masked_fields");
        return withheld.Length == 0 && masked.Length == 0 ? None : new Withholding(withheld, masked);
    }

    /// <summary>True when <paramref name="path"/> or a message containing it was withheld.</summary>
    public bool IsWithheld(string path) => _withheld.Any(p => Covers(p, path));

    /// <summary>True when <paramref name="path"/> was sent masked.</summary>
    public bool IsMasked(string path) => _masked.Any(p => Covers(p, path));

    /// <summary>The cell for <paramref name="path"/>: the withheld note, or the value's own markup.</summary>
    public string Cell(string path, UiText text, Func<string> markup) => IsWithheld(path) ? WithheldMarkup(text) : markup();

    /// <summary>The cell for a field made of several (validity: from and until): withheld when any part is.</summary>
    public string Cell(IEnumerable<string> paths, UiText text, Func<string> markup) => paths.Any(IsWithheld) ? WithheldMarkup(text) : markup();

    /// <summary>A string field's cell: withheld, masked (value plus the masked note), or the value.</summary>
    public string TextCell(string path, string value, UiText text) =>
        IsWithheld(path) ? WithheldMarkup(text)
        : IsMasked(path) ? $"{Markup.Escape(value)} [grey]({Markup.Escape(text.MaskedForRole)})[/]"
        : Markup.Escape(value);

    /// <summary>
    /// The cell of a string field shown only when it has a value: <see cref="TextCell"/>, or null when the
    /// value is empty and was not withheld (a withheld field is empty too, and must still say so).
    /// </summary>
    public string? OptionalTextCell(string path, string value, UiText text) =>
        IsWithheld(path) || !string.IsNullOrEmpty(value) ? TextCell(path, value, text) : null;

    /// <summary>The withheld note as markup.</summary>
    public static string WithheldMarkup(UiText text) => $"[grey italic]{Markup.Escape(text.WithheldForRole)}[/]";

    private static bool Covers(string listed, string path) =>
        path.Length == listed.Length ? path == listed : path.StartsWith(listed + ".", StringComparison.Ordinal);

    private static string[] Paths(IMessage response, string fieldName) =>
        response.Descriptor.FindFieldByName(fieldName) is { } field && field.Accessor.GetValue(response) is FieldMask mask
            ? [.. mask.Paths]
            : [];
}

/// <summary>The withheld_fields paths the views show, relative to the shaped responses.</summary>
public static class FieldPaths
{
    public const string HolderName = "license.holder_name";
    public const string LicenseNumber = "license.license_number";
    public const string LicenseClass = "license.license_class";
    public const string Status = "license.status";
    public const string ValidFrom = "license.valid_from_date";
    public const string ValidUntil = "license.valid_until_date";
    public const string FirstIssueDate = "license.first_issue_date";
    public const string Points = "license.points";
    public const string IssuingAuthority = "license.issuing_authority";
    public const string Violations = "violations";
    public const string SnapshotHolderName = "credential.snapshot.holder_name";
    public const string SnapshotLicenseNumber = "credential.snapshot.license_number";
    public const string SnapshotLicenseClass = "credential.snapshot.license_class";
    public const string SnapshotStatus = "credential.snapshot.status";
    public const string SnapshotValidFrom = "credential.snapshot.valid_from_date";
    public const string SnapshotValidUntil = "credential.snapshot.valid_until_date";
    public const string OwnerName = "vehicle.owner_name";
    public const string Vin = "vehicle.vin";
    public const string Model = "vehicle.model";
    public const string VehicleType = "vehicle.vehicle_type";
}
