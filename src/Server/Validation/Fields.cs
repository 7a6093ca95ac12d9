using System.Buffers;
using ELicense.V1;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Validation;

/// <summary>Validation rules for the identifiers and strings of requests, shared by both services.</summary>
public static class Fields
{
    public const int MaxNameLength = 64;
    public const int MaxTextLength = 256;
    public const int MaxIdLength = 64;

    public static RequestValidator LicenseNumber(this RequestValidator v, string value, string field) =>
        v.Require(!string.IsNullOrEmpty(value), field, "is required")
         .Require(string.IsNullOrEmpty(value) || IdentityNumber.IsValid(value), field,
             "must be an 18-character identity number (17 digits and a check character 0-9 or X) with a valid check character and birth date");

    public static RequestValidator Vin(this RequestValidator v, string value, string field) =>
        v.Require(!string.IsNullOrEmpty(value), field, "is required")
         .Require(string.IsNullOrEmpty(value) || Core.Identifiers.Vin.IsValid(value), field,
             "must be 17 characters of 0-9 and A-Z without I, O, Q, with a valid check digit at position 9");

    public static RequestValidator Plate(this RequestValidator v, Plate? plate, string field)
    {
        if (plate is null)
        {
            return v.Require(false, field, "is required");
        }

        v.Require(Enum.IsDefined(plate.Type) && plate.Type != PlateType.Unspecified, field + ".type",
            "must be one of PLATE_TYPE_LARGE, PLATE_TYPE_SMALL, PLATE_TYPE_LARGE_NEW_ENERGY, PLATE_TYPE_SMALL_NEW_ENERGY");
        return v.Require(PlateNumber.IsValid(plate.Number, plate.Type), field + ".number",
            "must be a province character, an office letter and 5 characters (6 for new-energy plates; D or F first for small ones), letters without I and O");
    }

    /// <summary>
    /// A vehicle named by a request's oneof: the plate or the VIN that is set, checked; neither set is a
    /// violation of <paramref name="oneof"/> (<paramref name="choices"/> names what may be set).
    /// </summary>
    public static RequestValidator Vehicle(this RequestValidator v, Plate? plate, string? vin, string oneof = "vehicle", string choices = "plate or vin") =>
        plate is not null ? v.Plate(plate, "plate")
        : vin is not null ? v.Vin(vin, "vin")
        : v.Require(false, oneof, $"set exactly one of {choices}");

    public static RequestValidator Text(this RequestValidator v, string value, string field, int maxLength, bool required = false) =>
        v.Require(!required || !string.IsNullOrWhiteSpace(value), field, "is required")
         .Require(value.Length <= maxLength, field, $"must be at most {maxLength} characters")
         .Require(!value.Any(char.IsControl), field, "must not contain control characters");

    /// <summary>Lookups by number must say why (purpose limitation); the purpose goes to the audit trail.</summary>
    public static RequestValidator Purpose(this RequestValidator v, LookupPurpose purpose, string field) =>
        v.Require(purpose != LookupPurpose.Unspecified && Enum.IsDefined(purpose), field,
            "is required for a lookup by licence number: one of LOOKUP_PURPOSE_ROADSIDE_CHECK, LOOKUP_PURPOSE_VIOLATION_HANDLING, " +
            "LOOKUP_PURPOSE_TRANSFER_REGISTRATION, LOOKUP_PURPOSE_QUALIFICATION_PROOF, LOOKUP_PURPOSE_OTHER_PUBLIC_SERVICE");

    /// <summary>Longest run of digits an id may hold: ids are machine labels, not places for identity numbers.</summary>
    public const int MaxIdDigitRun = 12;

    /// <summary>The characters of a caller-chosen id: ASCII letters and digits, '-', '_', '.', ':'.</summary>
    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    // Built once: every verify call checks its device id, and a message built per call is garbage unless the id is bad.
    private static readonly string IdAlphabetRule = $"must be at most {MaxIdLength} characters of letters, digits, '-', '_', '.', ':'";
    private static readonly string IdDigitRunRule = $"must not hold more than {MaxIdDigitRun} digits in a row (ids must not carry personal identifiers)";

    /// <summary>
    /// Ids chosen by callers (device ids, request ids): a small safe alphabet, and no long digit runs —
    /// device ids go to the audit trail and the holder's view, where an identity number must never appear.
    /// </summary>
    public static RequestValidator ClientId(this RequestValidator v, string value, string field, bool required)
    {
        v.Require(!required || value.Length > 0, field, "is required");
        v.Require(value.Length <= MaxIdLength && !value.AsSpan().ContainsAnyExcept(IdCharacters), field, IdAlphabetRule);
        return v.Require(LongestDigitRun(value) <= MaxIdDigitRun, field, IdDigitRunRule);
    }

    private static int LongestDigitRun(string value)
    {
        int longest = 0, run = 0;
        foreach (var c in value)
        {
            run = char.IsAsciiDigit(c) ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
