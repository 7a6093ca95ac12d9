using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Tests;

/// <summary>
/// Responses as the server shapes them for a transfer system (ResponseShaping, checked against the real
/// server in IntegrationTests.WithheldFieldsTests): the withheld fields cleared and listed, the identity
/// numbers and owner names masked and listed.
/// </summary>
internal static class WithheldSamples
{
    public static readonly string[] LicencePaths =
    [
        "license.file_number", "license.holder_name", "license.first_issue_date", "license.points", "license.issuing_authority", "license.update_time",
    ];

    /// <summary>A VALID verification of a licence with 3 points and 2 unprocessed violations, as a transfer system gets it.</summary>
    public static VerifyCredentialResponse TransferVerify()
    {
        var full = Samples.Verify(Verdict.Valid);
        full.Credential.Snapshot = new CredentialSnapshot
        {
            LicenseNumber = Samples.LicenseNumber, HolderName = "张伟", LicenseClass = "C1", Status = LicenseStatus.Normal,
            ValidFromDate = full.License.ValidFromDate, ValidUntilDate = full.License.ValidUntilDate,
        };
        var shaped = full.Clone();
        shaped.License = new License
        {
            LicenseNumber = Samples.MaskedNumber,
            LicenseClass = full.License.LicenseClass,
            Status = full.License.Status,
            ValidFromDate = full.License.ValidFromDate,
            ValidUntilDate = full.License.ValidUntilDate,
        };
        shaped.Violations = null;
        shaped.Credential.Snapshot.HolderName = "";
        shaped.Credential.Snapshot.LicenseNumber = Samples.MaskedNumber;
        shaped.WithheldFields = new FieldMask { Paths = { LicencePaths, "violations", "credential.snapshot.holder_name" } };
        shaped.MaskedFields = new FieldMask { Paths = { "license.license_number", "credential.snapshot.license_number" } };
        return shaped;
    }

    /// <summary>The same answer for a licence the server holds no live record of: only the signed snapshot, shaped.</summary>
    public static VerifyCredentialResponse TransferSnapshotOnly()
    {
        var shaped = TransferVerify();
        shaped.Verdict = Verdict.StatusUnavailable;
        shaped.License = null;
        shaped.WithheldFields = new FieldMask { Paths = { "credential.snapshot.holder_name" } };
        shaped.MaskedFields = new FieldMask { Paths = { "credential.snapshot.license_number" } };
        return shaped;
    }

    /// <summary>A vehicle as a transfer system sees it: the owner's family name only.</summary>
    public static Vehicle MaskedVehicle() => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAU2180N2183294",
        OwnerName = "王*",
        Model = "比亚迪 秦PLUS",
        InspectionValidUntilDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 31 },
        InsuranceValidUntilDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 31 },
    };

    public static CheckVehicleResponse TransferVehicle() => new()
    {
        Vehicle = MaskedVehicle(),
        StatusNormal = true,
        InspectionValid = true,
        InsuranceValid = true,
        Violations = new ViolationSummary { UnprocessedCount = 1, UnprocessedPoints = 3, UnprocessedFineYuan = 200 },
        Freshness = Samples.Fresh(),
        WithheldFields = new FieldMask(),
        MaskedFields = new FieldMask { Paths = { "vehicle.owner_name" } },
    };

    public static CheckTransferEligibilityResponse TransferEligibility() => new()
    {
        Eligible = true,
        Vehicle = MaskedVehicle(),
        Freshness = Samples.Fresh(),
        MaskedFields = new FieldMask { Paths = { "vehicle.owner_name" } },
    };
}
