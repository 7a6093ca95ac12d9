using System.Text.Json;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.Reflection;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests;

/// <summary>The one-shot views and --json: a field withheld for the caller's role is shown as withheld, never as a value.</summary>
public sealed class WithheldViewsTests
{
    private static string Render(Action<TestConsole> render)
    {
        var console = new TestConsole().Width(160);
        render(console);
        return console.Output;
    }

    [Fact]
    public void VerificationView_TransferCaller_ShowsWithheldNeverZeroPointsOrNone()
    {
        var output = Render(c => VerificationView.Render(c, WithheldSamples.TransferVerify(), Samples.Clock()));

        Assert.Contains("VALID", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0/12", output, StringComparison.Ordinal);
        Assert.DoesNotContain("none", output, StringComparison.Ordinal);
        Assert.Contains(Samples.MaskedNumber, output, StringComparison.Ordinal);
        Assert.Contains("C1", output, StringComparison.Ordinal);
        Assert.Matches(@"Holder\s+withheld for this role", output);
        Assert.Matches(@"Points\s+withheld for this role", output);
        Assert.Matches(@"Unprocessed violations\s+withheld for this role", output);
        Assert.Matches(@"Issued by\s+withheld for this role", output);
    }

    [Fact]
    public void VerificationView_TransferSnapshotOnly_HolderWithheld()
    {
        var output = Render(c => VerificationView.Render(c, WithheldSamples.TransferSnapshotOnly(), Samples.Clock()));

        Assert.Contains("Signed snapshot", output, StringComparison.Ordinal);
        Assert.Matches(@"Holder\s+withheld for this role", output);
        Assert.Contains(Samples.MaskedNumber, output, StringComparison.Ordinal);
    }

    [Fact]
    public void VerificationView_Officer_ShowsTheValues()
    {
        var output = Render(c => VerificationView.Render(c, Samples.Verify(Verdict.Valid), Samples.Clock()));

        Assert.DoesNotContain("withheld", output, StringComparison.Ordinal);
        Assert.Contains("3/12", output, StringComparison.Ordinal);
    }

    [Fact]
    public void VehicleViews_TransferCaller_OwnerShownMasked()
    {
        var vehicle = Render(c => VehicleView.Render(c, WithheldSamples.TransferVehicle(), Samples.Clock()));
        var transfer = Render(c => VehicleView.Render(c, WithheldSamples.TransferEligibility(), Samples.Clock()));

        Assert.Matches(@"Owner\s+王\* \(masked for this role\)", vehicle);
        Assert.Matches(@"Owner\s+王\* \(masked for this role\)", transfer);
        Assert.Contains("1 (3 points, ¥200)", vehicle, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TransferCaller_ListsWithheldFieldsAndPrintsNoDefaultForThem()
    {
        var json = JsonOutput.Format(WithheldSamples.TransferVerify());
        TestContext.Current.TestOutputHelper?.WriteLine(json);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var license = root.GetProperty("license");
        Assert.False(license.TryGetProperty("points", out _), json);
        Assert.False(license.TryGetProperty("holderName", out _), json);
        Assert.False(license.TryGetProperty("fileNumber", out _), json);
        Assert.False(license.TryGetProperty("issuingAuthority", out _), json);
        Assert.False(root.TryGetProperty("violations", out _), json);
        Assert.False(root.GetProperty("credential").GetProperty("snapshot").TryGetProperty("holderName", out _), json);
        Assert.DoesNotContain("\"points\": 0", json, StringComparison.Ordinal);
        Assert.Equal("C1", license.GetProperty("licenseClass").GetString());
        Assert.Equal(
            "license.fileNumber,license.holderName,license.firstIssueDate,license.points,license.issuingAuthority,license.updateTime,violations,credential.snapshot.holderName",
            root.GetProperty("withheldFields").GetString());
        Assert.Equal("license.licenseNumber,credential.snapshot.licenseNumber", root.GetProperty("maskedFields").GetString());
        Assert.Contains("比亚迪", JsonOutput.Format(WithheldSamples.TransferVehicle()), StringComparison.Ordinal); // names stay readable, not \u-escaped
    }

    [Fact]
    public void Json_Officer_KeepsEveryDefaultValue()
    {
        var response = Samples.Verify(Verdict.Valid, Samples.License(points: 0));

        var json = JsonOutput.Format(response);

        Assert.Contains("\"points\": 0", json, StringComparison.Ordinal); // a real zero stays a zero
        Assert.DoesNotContain("withheldFields", json, StringComparison.Ordinal); // an officer's answer withholds nothing
    }

    [Fact]
    public void FieldPaths_EveryConstant_NamesAFieldOfTheShapedResponses()
    {
        var constants = typeof(FieldPaths).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();
        MessageDescriptor[] responses = [VerifyCredentialResponse.Descriptor, CheckVehicleResponse.Descriptor];

        foreach (var path in constants)
        {
            Assert.True(responses.Any(r => Resolves(r, path)), $"{path} names no field");
        }
    }

    [Fact]
    public void Withholding_ListedMessage_CoversItsFields()
    {
        var withheld = Withholding.Of(WithheldSamples.TransferVerify());

        Assert.True(withheld.IsWithheld("violations.unprocessed_count"));
        Assert.True(withheld.IsWithheld(FieldPaths.Points));
        Assert.False(withheld.IsWithheld("license.points_extra"));
        Assert.False(withheld.IsWithheld(FieldPaths.LicenseClass));
        Assert.Same(Withholding.None, Withholding.Of(new GetLicenseResponse { License = Samples.License() }));
    }

    private static bool Resolves(MessageDescriptor descriptor, string path)
    {
        var current = descriptor;
        foreach (var name in path.Split('.'))
        {
            var field = current?.FindFieldByName(name);
            if (field is null)
            {
                return false;
            }

            current = field.FieldType == FieldType.Message ? field.MessageType : null;
        }

        return true;
    }
}
