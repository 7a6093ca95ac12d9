using System.Globalization;
using ELicense.V1;

namespace ELicense.Bench;

/// <summary>
/// One CheckRoadside answer's shape as a small number, so the recorder counts it like verify's verdict:
/// may_drive, the licence verdict, the vehicle verdict and the entitlement reason, jointly. The joint count
/// is what shows the shape of a run (how many stopped by the vehicle, by the class, by the licence) and makes
/// an answer that contradicts itself visible: may_drive true while a part is not valid, or false while all are.
/// </summary>
public static class RoadsideOutcome
{
    /// <summary>Codes are below this: 1 bit may_drive, 4 bits each verdict, 3 bits the entitlement.</summary>
    public const int Slots = 1 << 12;

    private const int VerdictMask = 0xF;
    private const int ReasonMask = 0x7;

    /// <summary>The code of an answer (a value beyond a field's range counts as its highest, and names as a number).</summary>
    public static int Code(CheckRoadsideResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Code(response.MayDrive, response.LicenseCheck?.Verdict ?? Verdict.Unspecified,
            response.VehicleCheck?.Verdict ?? VehicleVerdict.Unspecified, response.Entitlement?.Reason ?? EntitlementReason.Unspecified);
    }

    /// <summary>The code of these parts.</summary>
    public static int Code(bool mayDrive, Verdict license, VehicleVerdict vehicle, EntitlementReason entitlement) =>
        (mayDrive ? 1 : 0)
        | (Math.Clamp((int)license, 0, VerdictMask) << 1)
        | (Math.Clamp((int)vehicle, 0, VerdictMask) << 5)
        | (Math.Clamp((int)entitlement, 0, ReasonMask) << 9);

    /// <summary>Whether the code says may_drive.</summary>
    public static bool MayDrive(int code) => (code & 1) == 1;

    /// <summary>
    /// Whether may_drive agrees with its parts (true exactly when the licence is VALID, the vehicle VALID and
    /// the holder ENTITLED, as the contract says). A false one is a server bug, or a contract the bench has not caught up with.
    /// </summary>
    public static bool IsConsistent(int code)
    {
        var allValid = License(code) == Verdict.Valid && Vehicle(code) == VehicleVerdict.Valid && Entitlement(code) == EntitlementReason.Entitled;
        return MayDrive(code) == allValid;
    }

    /// <summary>
    /// The code as reports show it, e.g. "may_drive license=VALID vehicle=VALID entitlement=ENTITLED" or
    /// "NOT may_drive license=VALID vehicle=NOT_VALID entitlement=ENTITLED"; "INCONSISTENT " first when
    /// may_drive contradicts its parts.
    /// </summary>
    public static string Name(int code) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(IsConsistent(code) ? "" : "INCONSISTENT ")}{(MayDrive(code) ? "may_drive" : "NOT may_drive")} license={Short(BenchReport.VerdictName((int)License(code)), "VERDICT_")} vehicle={Short(EnumName(VehicleVerdictDescriptor, (int)Vehicle(code), "VEHICLE_VERDICT_"), "VEHICLE_VERDICT_")} entitlement={Short(EnumName(ReasonDescriptor, (int)Entitlement(code), "ENTITLEMENT_REASON_"), "ENTITLEMENT_REASON_")}");

    private static Verdict License(int code) => (Verdict)((code >> 1) & VerdictMask);

    private static VehicleVerdict Vehicle(int code) => (VehicleVerdict)((code >> 5) & VerdictMask);

    private static EntitlementReason Entitlement(int code) => (EntitlementReason)((code >> 9) & ReasonMask);

    private static readonly Google.Protobuf.Reflection.EnumDescriptor VehicleVerdictDescriptor =
        InspectionMarkReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(VehicleVerdict));

    private static readonly Google.Protobuf.Reflection.EnumDescriptor ReasonDescriptor =
        VerificationServiceReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(EntitlementReason));

    private static string EnumName(Google.Protobuf.Reflection.EnumDescriptor descriptor, int value, string prefix) =>
        descriptor.FindValueByNumber(value)?.Name ?? string.Create(CultureInfo.InvariantCulture, $"{prefix}{value}");

    private static string Short(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
}
