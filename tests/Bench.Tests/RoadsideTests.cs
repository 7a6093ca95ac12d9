using System.Security.Cryptography;
using ELicense.Bench;
using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Bench.Tests;

public sealed class RoadsideTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private const string KeysText = """
        11010119900307803X
        京A12345 02 LSVAM4187C2184847 K33 2027-05-31
        沪B0001F 52 LFV2A21K6D4000001 H11 2026-12-31
        粤C5678D 02 LGBH52E09FY000002 - 2026-11-30
        """;

    private static BenchKeys Keys(string text = KeysText) => BenchKeys.Parse(new StringReader(text), "keys.txt");

    [Fact]
    public void Parse_VehicleRecord_IsAVehicleAPlateAndAVin()
    {
        var keys = Keys();

        Assert.Equal(3, keys.Vehicles.Count);
        var first = keys.Vehicles[0];
        Assert.Equal(("京A12345", PlateType.Small, "LSVAM4187C2184847", "K33"), (first.Plate.Number, first.Plate.Type, first.Vin, first.VehicleType));
        Assert.Equal(new DateOnly(2027, 5, 31), first.InspectionValidUntilDate.ToDateOnly());
        Assert.Equal(string.Empty, keys.Vehicles[2].VehicleType);
        Assert.Equal(3, keys.Plates.Count);
        Assert.Equal(3, keys.Vins.Count);
        Assert.Equal(["11010119900307803X"], keys.Licenses);
    }

    [Fact]
    public void TryMint_ValidInspection_IsAGenuineMarkOfTheRecordUnderTheIssuerKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var minter = new MarkMinter(ECDsa.Create(key.ExportParameters(true)), "ELicense");
        using var published = PublicIssuerKey.TryCreate(minter.KeyIdHex, key.ExportSubjectPublicKeyInfo(), null, null)!;
        var decoder = new CredentialDecoder<InspectionMarkClaims>(InspectionMarkDocument.Instance,
            new CredentialPolicy(CredentialDocumentType.InspectionMark, CredentialPolicy.MarkPrefix, CredentialPolicy.DefaultMaxPayloadLength,
                CredentialPolicy.DefaultMarkMaxLifetime, CredentialPolicy.DefaultMaxClockSkew, "ELicense"),
            new OneKey(published), new FakeTimeProvider(Now));

        var mark = minter.TryMint(Keys().Vehicles[0], Now);

        Assert.StartsWith(CredentialPolicy.MarkPrefix, mark, StringComparison.Ordinal);
        var check = decoder.Verify(mark);
        Assert.Equal(CredentialStatus.Genuine, check.Status);
        Assert.Equal(("京A12345", "K33", InspectionMarks.Number("LSVAM4187C2184847", new DateOnly(2027, 5, 31))),
            (check.Claims!.Mark.Plate.Number, check.Claims.Mark.VehicleType, check.Claims.Mark.MarkNumber));
    }

    [Fact]
    public void Build_InspectionOver_SkipsTheVehicleAsTheIssuerWould()
    {
        using var minter = new MarkMinter(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ELicense");

        var vehicles = RoadsideVehicles.Build(Keys(), minter, 0.1, 1, Now);

        // 粤C5678D's inspection ended on 30 November: no mark. Every plate can still be typed.
        Assert.Equal(2, vehicles.Marks.Length);
        Assert.Equal(1, vehicles.Skipped);
        Assert.Equal(3, vehicles.Plates.Length);
    }

    [Fact]
    public void Build_NoVehicleRecords_IsAUsageErrorSayingWhatToAdd()
    {
        using var minter = new MarkMinter(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ELicense");

        var error = Assert.Throws<UsageException>(() => RoadsideVehicles.Build(Keys("11010119900307803X\n京A12345 02\n"), minter, 0.1, 1, Now));

        Assert.Contains("vehicle records", error.Message, StringComparison.Ordinal);
        Assert.Contains("--roadside-by-plate 100%", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_TenPercentByPlate_AboutTenPercentTheSameInEveryRunAndEachWithTheFreshLicence()
    {
        var vehicles = new RoadsideVehicles(["EVM1:A", "EVM1:B"], [new Plate { Number = "京A12345", Type = PlateType.Small }], 0.1, 7);

        var requests = Enumerable.Range(0, 10_000).Select(i => vehicles.Request(i, i, $"EDL1:{i}", "device")).ToList();

        var byPlate = requests.Count(r => r.VehicleCase == CheckRoadsideRequest.VehicleOneofCase.Plate);
        Assert.InRange(byPlate, 900, 1100);
        Assert.Equal(byPlate, Enumerable.Range(0, 10_000).Count(i => new RoadsideVehicles(["EVM1:A"], [new Plate()], 0.1, 7).ByPlate(i)));
        Assert.All(requests.Select((r, i) => (r, i)), x => Assert.Equal(($"EDL1:{x.i}", "device"), (x.r.LicenseQrPayload, x.r.DeviceId)));
        Assert.Equal("EVM1:B", requests.First(r => r.VehicleCase == CheckRoadsideRequest.VehicleOneofCase.MarkQrPayload && r.LicenseQrPayload.EndsWith('1')).MarkQrPayload);
    }

    [Fact]
    public void Name_Outcomes_SayMayDriveThePartsAndFlagAContradiction()
    {
        var valid = RoadsideOutcome.Code(true, Verdict.Valid, VehicleVerdict.Valid, EntitlementReason.Entitled);
        var stopped = RoadsideOutcome.Code(false, Verdict.Valid, VehicleVerdict.NotValid, EntitlementReason.Entitled);
        var contradiction = RoadsideOutcome.Code(true, Verdict.Valid, VehicleVerdict.NotValid, EntitlementReason.Entitled);

        Assert.Equal("may_drive license=VALID vehicle=VALID entitlement=ENTITLED", RoadsideOutcome.Name(valid));
        Assert.Equal("NOT may_drive license=VALID vehicle=NOT_VALID entitlement=ENTITLED", RoadsideOutcome.Name(stopped));
        Assert.Equal("INCONSISTENT may_drive license=VALID vehicle=NOT_VALID entitlement=ENTITLED", RoadsideOutcome.Name(contradiction));
        Assert.Equal(RoadsideOutcome.Code(false, Verdict.Unspecified, VehicleVerdict.Unspecified, EntitlementReason.Unspecified),
            RoadsideOutcome.Code(new CheckRoadsideResponse()));
        Assert.InRange(RoadsideOutcome.Code(true, (Verdict)99, (VehicleVerdict)99, (EntitlementReason)99), 0, RoadsideOutcome.Slots - 1);
    }

    [Fact]
    public async Task Report_RoadsideRun_CountsMayDriveAndShowsEveryOutcomeAndTheInconsistentOne()
    {
        var time = new FakeTimeProvider(Now);
        var clock = new BenchClock(time, TimeSpan.Zero);
        var valid = RoadsideOutcome.Code(true, Verdict.Valid, VehicleVerdict.Valid, EntitlementReason.Entitled);
        var classStops = RoadsideOutcome.Code(false, Verdict.Valid, VehicleVerdict.Valid, EntitlementReason.ClassDoesNotCoverVehicle);
        var contradiction = RoadsideOutcome.Code(true, Verdict.Replayed, VehicleVerdict.Valid, EntitlementReason.Entitled);
        var target = new ScriptedTarget(clock)
        {
            ServiceTime = TimeSpan.FromMilliseconds(1),
            Answer = i => i == 5 ? CallOutcome.Ok(1, contradiction) : i % 2 == 0 ? CallOutcome.Ok(1, valid) : i % 3 == 0 ? CallOutcome.Ok(1, classStops) : CallOutcome.Ok(0, (int)Verdict.Valid),
        };
        Assert.True(BenchPlan.TryCreate(new BenchSettings { Mix = "verify=1,roadside=1", Keys = "k", Concurrency = "1", Count = "60", Warmup = "0", RegistryApiKey = "r", MarkKey = "key.pem" },
            _ => null, out var plan, out var error), error);
        var recorder = new BenchRecorder(["verify", "roadside"], clock.Frequency, trackSendLag: false);
        var run = Timeline.Start(() => new ClosedLoopRunner(clock, plan.ClosedLoop!, target, recorder).RunAsync(default, default));
        Timeline.Advance(time, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(100), run);
        await run;

        var report = BenchReport.Create(plan, new Uri("http://127.0.0.1:5080"), recorder.Snapshot(), 1, false, 0, null);
        var console = new TestConsole().Width(160);
        BenchReportView.Render(console, report);

        // 60 calls: 30 even (may drive), 10 odd multiples of 3 (class), index 5 the contradiction, 19 verify.
        Assert.Equal(new ReportRoadside(31, 10, 1), report.Operations[1].Roadside);
        Assert.Null(report.Operations[0].Roadside);
        Assert.Equal(19, report.Verdicts["VERDICT_VALID"]);
        Assert.Equal(30, report.Verdicts["may_drive license=VALID vehicle=VALID entitlement=ENTITLED"]);
        Assert.Contains("NOT may_drive license=VALID vehicle=VALID entitlement=CLASS_DOES_NOT_COVER_VEHICLE", console.Output, StringComparison.Ordinal);
        Assert.Contains("1 INCONSISTENT", console.Output, StringComparison.Ordinal);
        Assert.Contains("INCONSISTENT may_drive license=REPLAYED", console.Output, StringComparison.Ordinal);
        Assert.Contains("\"roadside\": {", BenchFiles.ToJson(report), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_RoadsideWithoutMarkKey_SaysWhatToGive()
    {
        Assert.False(BenchPlan.TryCreate(new BenchSettings { Workload = "roadside", Keys = "k", RegistryApiKey = "r" }, _ => null, out _, out var error));
        Assert.Contains("--mark-key", error, StringComparison.Ordinal);

        Assert.False(BenchPlan.TryCreate(new BenchSettings { Workload = "roadside", Keys = "k", MarkKey = "key.pem" }, _ => null, out _, out error));
        Assert.StartsWith("roadside sends fresh credentials", error, StringComparison.Ordinal);

        Assert.True(BenchPlan.TryCreate(new BenchSettings { Workload = "roadside", Keys = "k", RegistryApiKey = "r", RoadsideByPlate = "100%" }, _ => null, out var plan, out error), error);
        Assert.Equal(1, plan.RoadsidePlateShare);
    }

    [Fact]
    public void CredentialsNeeded_RoadsideInTheMix_CountsItsCallsToo()
    {
        Assert.True(BenchPlan.TryCreate(
            new BenchSettings { Mix = "license=2,verify=1,roadside=1", Keys = "k", Rate = "1000", Duration = "10s", Warmup = "0", RegistryApiKey = "r", MarkKey = "key.pem" },
            _ => null, out var plan, out var error), error);

        // 10,000 requests, half verify or roadside (+2 % and 64), as with verify alone at half.
        Assert.Equal(5_164, BenchCommand.CredentialsNeeded(plan, TimeSpan.FromMinutes(3)));
    }

    private sealed class OneKey(IVerificationKey key) : IIssuerKeySource
    {
        public string UnknownKeyHint => "the test key";

        public bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey found)
        {
            found = key;
            return Convert.ToHexStringLower(keyId) == key.KeyIdHex;
        }
    }
}
