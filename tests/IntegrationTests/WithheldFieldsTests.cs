using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests;

/// <summary>
/// withheld_fields and masked_fields, through real calls, for every role that can call a shaped method
/// (officer and transfer): the lists name exactly what was stripped, compared field by field with what an
/// officer sees of the same records, and no listed field carries a value.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public class WithheldFieldsTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyCredential_AsTransfer_ListsExactlyTheStrippedFields()
    {
        var (license, officerPayload, transferPayload) = await LicenceWithPointsAndViolationAsync();
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));

        var full = await env.ServerA.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = officerPayload, DeviceId = "handheld-w1" }, cancellationToken: Ct);
        var shaped = await transfer.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = transferPayload, DeviceId = "transfer-w1" }, cancellationToken: Ct);

        Assert.Equal(Verdict.Valid, shaped.Verdict);
        Assert.Equal(3, full.License.Points);
        Assert.Equal(
            ["license.file_number", "license.holder_name", "license.first_issue_date", "license.points", "license.issuing_authority",
                "license.update_time", "violations", "credential.snapshot.holder_name"],
            shaped.WithheldFields.Paths);
        Assert.Equal(["license.license_number", "credential.snapshot.license_number"], shaped.MaskedFields.Paths);
        AssertListsMatchWhatDiffers(full, shaped, shaped.WithheldFields, shaped.MaskedFields, "license", "violations", "credential.snapshot");
        Assert.DoesNotContain(license.LicenseNumber, shaped.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyCredentials_StreamAsTransfer_CarriesTheSameLists()
    {
        var (_, officerPayload, transferPayload) = await LicenceWithPointsAndViolationAsync();
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));
        var full = await env.ServerA.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = officerPayload, DeviceId = "handheld-w2" }, cancellationToken: Ct);
        using var call = transfer.VerifyCredentials(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new VerifyCredentialsRequest { QrPayload = transferPayload, DeviceId = "transfer-w2", RequestId = "1" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        var shaped = call.ResponseStream.Current;

        Assert.Equal(Verdict.Valid, shaped.Verdict);
        Assert.Contains("license.points", shaped.WithheldFields.Paths);
        Assert.Contains("violations", shaped.WithheldFields.Paths);
        AssertListsMatchWhatDiffers(full, shaped, shaped.WithheldFields, shaped.MaskedFields, "license", "violations", "credential.snapshot");
    }

    [Fact]
    public async Task VerifyCredential_AsOfficer_WithholdsNothing()
    {
        var (license, officerPayload, _) = await LicenceWithPointsAndViolationAsync();

        var response = await env.ServerA.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = officerPayload, DeviceId = "handheld-w3" }, cancellationToken: Ct);

        Assert.Empty(response.WithheldFields?.Paths ?? []);
        Assert.Empty(response.MaskedFields?.Paths ?? []);
        Assert.Equal(license, response.License);
        Assert.Equal(1, response.Violations.UnprocessedCount);
    }

    [Fact]
    public async Task CheckVehicleAndTransfer_AsTransfer_ListOnlyTheMaskedOwner()
    {
        var vehicle = (await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;
        var transfer = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Transfer));

        var fullCheck = await env.ServerA.Verification.CheckVehicleAsync(new CheckVehicleRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        var check = await transfer.CheckVehicleAsync(new CheckVehicleRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        var fullEligibility = await env.ServerA.Verification.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        var eligibility = await transfer.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Vin = vehicle.Vin }, cancellationToken: Ct);

        Assert.Empty(check.WithheldFields.Paths);
        Assert.Equal(["vehicle.owner_name"], check.MaskedFields.Paths);
        Assert.Empty(eligibility.WithheldFields.Paths);
        Assert.Equal(["vehicle.owner_name"], eligibility.MaskedFields.Paths);
        AssertListsMatchWhatDiffers(fullCheck, check, check.WithheldFields, check.MaskedFields, "vehicle", "violations");
        AssertListsMatchWhatDiffers(fullEligibility, eligibility, eligibility.WithheldFields, eligibility.MaskedFields, "vehicle", "violations");
        Assert.Empty(fullCheck.WithheldFields?.Paths ?? []);
        Assert.Empty(fullCheck.MaskedFields?.Paths ?? []);
        Assert.Empty(fullEligibility.MaskedFields?.Paths ?? []);
        Assert.Equal(vehicle.OwnerName, fullEligibility.Vehicle.OwnerName);
    }

    /// <summary>A licence with 3 points and an unprocessed violation, and two credentials for it (one per caller, so neither is a replay).</summary>
    private async Task<(License License, string OfficerPayload, string TransferPayload)> LicenceWithPointsAndViolationAsync()
    {
        var draft = TestData.NewLicense();
        draft.Points = 3;
        var license = (await env.ServerA.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = draft }, cancellationToken: Ct)).License;
        await env.ServerA.Registry.RecordViolationAsync(new RecordViolationRequest
        {
            Violation = new Violation
            {
                OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-3)),
                Place = "北京市东城区建国门内大街",
                Code = "1625",
                Description = "驾驶机动车违反道路交通信号灯通行",
                Points = 6,
                FineYuan = 200,
                Plate = TestData.NewPlate(),
                LicenseNumber = license.LicenseNumber,
                Source = ViolationSource.Camera,
            },
        }, cancellationToken: Ct);
        return (license, await TestData.IssueAsync(env.ServerA, license.LicenseNumber), await TestData.IssueAsync(env.ServerA, license.LicenseNumber));
    }

    /// <summary>
    /// Walks the sub-trees <paramref name="roots"/> of what an officer sees and of what the shaped caller got:
    /// a field that differs must be listed (withheld and then unset or default, or masked and then a masked
    /// form); a listed field must be unset or default; an unlisted field must be equal.
    /// </summary>
    private static void AssertListsMatchWhatDiffers(IMessage full, IMessage shaped, FieldMask withheld, FieldMask masked, params string[] roots)
    {
        foreach (var path in withheld.Paths)
        {
            Assert.True(IsUnset(Resolve(shaped, path)), $"{path} is listed as withheld but carries a value");
        }

        foreach (var root in roots)
        {
            Compare(Resolve(full, root), Resolve(shaped, root), root, withheld, masked);
        }
    }

    private static void Compare(object? full, object? shaped, string path, FieldMask withheld, FieldMask masked)
    {
        if (withheld.Paths.Contains(path))
        {
            Assert.True(IsUnset(shaped), $"{path} is withheld but carries a value");
            return;
        }

        if (masked.Paths.Contains(path))
        {
            var (clear, sent) = ((string)full!, (string)shaped!);
            Assert.Contains('*', sent);
            Assert.NotEqual(clear, sent);
            return;
        }

        if (full is IMessage fullMessage && shaped is IMessage shapedMessage)
        {
            foreach (var field in fullMessage.Descriptor.Fields.InFieldNumberOrder())
            {
                Compare(field.Accessor.GetValue(fullMessage), field.Accessor.GetValue(shapedMessage), $"{path}.{field.Name}", withheld, masked);
            }

            return;
        }

        Assert.True(Equals(full, shaped), $"{path} differs ({full} → {shaped}) but is not listed as withheld or masked");
    }

    private static object? Resolve(IMessage message, string path)
    {
        object? current = message;
        foreach (var name in path.Split('.'))
        {
            if (current is not IMessage m)
            {
                return null;
            }

            FieldDescriptor field = m.Descriptor.FindFieldByName(name) ?? throw new InvalidOperationException($"{path}: no field {name} in {m.Descriptor.FullName}");
            current = field.Accessor.GetValue(m);
        }

        return current;
    }

    private static bool IsUnset(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        int i => i == 0,
        long l => l == 0,
        bool b => !b,
        System.Enum e => Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture) == 0,
        System.Collections.IList list => list.Count == 0,
        _ => false,
    };
}
