
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using QrImageDecoder = ELicense.Inspector.Handheld.QrImageDecoder;
using QrPng = ELicense.Inspector.Holder.QrPng;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>The holder's code as an image, read back by the handheld's decoder and verified by a real server.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class QrRoundTripTests(SharedEnvironment env) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-qr-it-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task HolderPng_DecodedWithZxing_VerifiesValidOnTheServer()
    {
        await InspectorHarness.EnsureHolderLicenseAsync(env.ServerA);
        var png = Path.Combine(_directory, "holder.png");

        var run = await InspectorHarness.RunAsync("", TestCallers.Holder,
            ["holder", TestCallers.HolderLicenseNumber, "--count", "1", "--png", png, "--server", env.ServerA.Address.ToString()], Ct);
        var decoded = QrImageDecoder.Decode(png);
        var verdict = await env.ServerA.Verification.VerifyCredentialAsync(
            new VerifyCredentialRequest { QrPayload = decoded, DeviceId = "qr-round-trip" }, cancellationToken: Ct);

        Assert.Equal(0, run.Code);
        Assert.Contains($"PNG written to {png}", run.Output, StringComparison.Ordinal);
        Assert.Contains("code 1 of 1", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("refreshes at", run.Output, StringComparison.Ordinal);
        Assert.StartsWith("EDL1:", decoded, StringComparison.Ordinal);
        Assert.Contains(decoded!, run.Output, StringComparison.Ordinal);
        Assert.Equal(Verdict.Valid, verdict.Verdict);
        Assert.Equal(TestCallers.HolderLicenseNumber, verdict.Credential.Snapshot.LicenseNumber);
    }

    [Fact]
    public async Task Holder_ShortLifetime_RefreshesBeforeExpiryUntilTheCount()
    {
        await InspectorHarness.EnsureHolderLicenseAsync(env.ServerA);

        // One-second codes: the next one comes two thirds into the lifetime.
        var run = await InspectorHarness.RunAsync("", TestCallers.Holder,
            ["holder", TestCallers.HolderLicenseNumber, "--count", "2", "--lifetime", "1", "--server", env.ServerA.Address.ToString()], Ct);

        Assert.Equal(0, run.Code);
        var payloads = run.Output.Split('\n').Where(l => l.StartsWith("EDL1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, payloads.Count);
        Assert.NotEqual(payloads[0], payloads[1]);
        Assert.Contains("refreshes at", run.Output, StringComparison.Ordinal);
        Assert.Contains("code 2 of 2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Holder_LocalClockAheadOfTheServer_StillWaitsTwoThirdsOfTheLifetime()
    {
        await InspectorHarness.EnsureHolderLicenseAsync(env.ServerA);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(2.5));

        // The holder's phone runs five minutes fast: three-second codes come every two seconds all the same.
        var run = await InspectorHarness.RunAsync("", TestCallers.Holder,
            ["holder", TestCallers.HolderLicenseNumber, "--lifetime", "3", "--server", env.ServerA.Address.ToString()], stop.Token,
            new SkewedClock(TimeSpan.FromMinutes(5)));

        Assert.Equal(130, run.Code); // cancelled, as by Ctrl+C
        var codes = run.Output.Split('\n').Count(l => l.StartsWith("EDL1:", StringComparison.Ordinal));
        Assert.InRange(codes, 1, 3);
    }

    private sealed class SkewedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task Holder_OtherPersonsLicence_IsRefused()
    {
        var other = await TestData.CreateLicenseAsync(env.ServerA);

        var run = await InspectorHarness.RunAsync("", TestCallers.Holder,
            ["holder", other.LicenseNumber, "--count", "1", "--server", env.ServerA.Address.ToString()], Ct);

        Assert.Equal(3, run.Code);
        Assert.Contains("PERMISSION_DENIED", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_ImagePathAtThePrompt_IsVerifiedOnline()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var png = Path.Combine(_directory, "screenshot.png");
        QrPng.Write(png, await TestData.IssueAsync(env.ServerA, license.LicenseNumber));
        var cache = Path.Combine(_directory, "cache");

        var run = await InspectorHarness.RunAsync($"{png}\nq\n", TestCallers.Officer,
            ["--server", env.ServerA.Address.ToString(), "--device", "qr-image-it", "--cache-dir", cache], Ct);

        Assert.Equal(0, run.Code);
        Assert.Contains("✔  VALID", run.Output, StringComparison.Ordinal);
        Assert.Contains($"decoded from {png}", run.Output, StringComparison.Ordinal);
        Assert.Contains(license.LicenseNumber[..6] + "********" + license.LicenseNumber[^4..], run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(license.LicenseNumber, run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cache, "issuer-keys.json")));
    }
}
