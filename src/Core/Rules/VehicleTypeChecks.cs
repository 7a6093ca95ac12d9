namespace ELicense.Core.Rules;

/// <summary>
/// What each catalogue entry must satisfy, however it was loaded (embedded, from a file, built in code):
/// a well-formed unique code, both names, a family that prefixes the code, licence classes that exist.
/// Failures name the entry's source and line, so a bad catalogue file is fixed from the message alone.
/// </summary>
internal static class VehicleTypeChecks
{
    public static void Check(VehicleType type, string where, Dictionary<string, string> firstSeen)
    {
        if (!VehicleTypeCatalog.IsWellFormedCode(type.Code))
        {
            throw new FormatException($"{where}: vehicle type code '{type.Code}' is malformed: expected an upper-case letter and one or two digits, e.g. K33.");
        }

        if (!firstSeen.TryAdd(type.Code, where))
        {
            throw new FormatException($"{where}: vehicle type code {type.Code} is repeated (first at {firstSeen[type.Code]}).");
        }

        if (string.IsNullOrWhiteSpace(type.NameZh) || string.IsNullOrWhiteSpace(type.NameEn))
        {
            throw new FormatException($"{where}: vehicle type {type.Code} needs a Chinese and an English name.");
        }

        if (type.Family.Length == 0 || !type.Code.StartsWith(type.Family, StringComparison.Ordinal))
        {
            throw new FormatException($"{where}: family '{type.Family}' of {type.Code} must be a prefix of its code, e.g. K3 for K33.");
        }

        if (!LicenseClasses.All.Contains(type.RequiredClass))
        {
            throw UnknownClass(where, "licence class", type.RequiredClass, type.Code);
        }

        if (type.AutomaticClass is not null && !LicenseClasses.All.Contains(type.AutomaticClass))
        {
            throw UnknownClass(where, "automatic class", type.AutomaticClass, type.Code);
        }
    }

    private static FormatException UnknownClass(string where, string field, string value, string code) =>
        new($"{where}: {field} '{value}' of {code} is not a licence class (known: {string.Join(' ', LicenseClasses.All)}).");
}
