using ELicense.Server.Registry;
using ELicense.Server.Registry.Engines;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Tests.Registry.Contract;
using ELicense.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Registry.Sqlite;

public sealed class RegistrySeederTests
{
    private const int Seed = 7;
    private const int Licenses = 2_000;
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedAsync_SmallRegistry_ReadsBackGeneratedRecordsAndTotals()
    {
        using var registry = new TempRegistry();
        var reports = new List<SeedProgress>();

        var result = await new RegistrySeeder(registry.Time).SeedAsync(new SqliteBulkLoader(registry.Path),
            new SeedOptions(Licenses, Seed, Force: false, Today, BatchSize: 500), new SyncProgress(reports), Ct);

        Assert.Equal(Licenses, result.Licenses);
        Assert.Equal(SyntheticRegistry.VehicleCount(Licenses), result.Vehicles);
        Assert.True(result.SizeBytes > 0);
        Assert.Equal([500L, 1000, 1500, 2000], reports.Where(r => r.Phase == "load").Select(r => r.LicensesDone));
        Assert.Equal("done", reports[^1].Phase);

        // Expected totals straight from the generator.
        var unprocessedByLicense = new Dictionary<string, (int Count, int Points)>(StringComparer.Ordinal);
        long violations = 0;
        for (var v = 0; v < result.Vehicles; v++)
        {
            foreach (var violation in SyntheticRegistry.Violations(Seed, v, Licenses, Today))
            {
                violations++;
                if (violation.State == ViolationState.Unprocessed && violation.LicenseNumber.Length > 0)
                {
                    var (count, points) = unprocessedByLicense.GetValueOrDefault(violation.LicenseNumber);
                    unprocessedByLicense[violation.LicenseNumber] = (count + 1, points + violation.Points);
                }
            }
        }

        Assert.Equal(violations, result.Violations);

        var store = registry.OpenStore();
        await store.InitializeAsync(Ct);
        var updateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(registry.Time.GetUtcNow());
        foreach (var i in new long[] { 0, 1, 17, 999, Licenses - 1 })
        {
            var expected = SyntheticRegistry.License(Seed, i, Today);
            expected.UpdateTime = updateTime;
            var read = await store.GetLicenseAsync(SyntheticRegistry.LicenseNumber(Seed, i), Ct);
            Assert.NotNull(read);
            Assert.Equal(expected, read.License);
            var (count, points) = unprocessedByLicense.GetValueOrDefault(expected.LicenseNumber);
            Assert.Equal(count, read.Violations.UnprocessedCount);
            Assert.Equal(points, read.Violations.UnprocessedPoints);
        }

        foreach (var v in new long[] { 0, 5, result.Vehicles - 1 })
        {
            var expected = SyntheticRegistry.Vehicle(Seed, v, Licenses, Today);
            expected.UpdateTime = updateTime;
            Assert.Equal(expected, (await store.GetVehicleByPlateAsync(SyntheticRegistry.Plate(Seed, v), Ct))!.Vehicle);
            Assert.Equal(expected, (await store.GetVehicleByVinAsync(SyntheticRegistry.Vin(Seed, v), Ct))!.Vehicle);
            var page = await store.ListViolationsAsync(new ViolationQuery(null, expected.Plate, false), null, 100, Ct);
            Assert.Equal(SyntheticRegistry.ViolationCount(Seed, v), page.Violations.Count);
        }

        // The seeded file takes ordinary writes, and new violation ids follow the seeded ones.
        var recorded = await store.RecordViolationAsync(RegistrySamples.Violation(RegistrySamples.PlateA, TempRegistry.Start), "", Ct);
        Assert.Equal(Server.Registry.RegistryMapping.FormatViolationId(violations + 1), recorded.Value.ViolationId);
    }

    [Fact]
    public async Task SeedAsync_SameSeedTwice_SameFirstLicences()
    {
        using var first = new TempRegistry();
        using var second = new TempRegistry();
        await new RegistrySeeder(first.Time).SeedAsync(new SqliteBulkLoader(first.Path), new SeedOptions(300, Seed, false, Today), null, Ct);
        await new RegistrySeeder(second.Time).SeedAsync(new SqliteBulkLoader(second.Path), new SeedOptions(300, Seed, false, Today), null, Ct);
        var a = first.OpenStore();
        var b = second.OpenStore();

        for (var i = 0; i < 20; i++)
        {
            var number = SyntheticRegistry.LicenseNumber(Seed, i);
            Assert.Equal((await a.GetLicenseAsync(number, Ct))!.License, (await b.GetLicenseAsync(number, Ct))!.License);
        }
    }

    [Fact]
    public async Task SeedAsync_NonEmptyRegistry_RefusesWithoutForceAndReplacesWithForce()
    {
        using var registry = new TempRegistry();
        var seeder = new RegistrySeeder(registry.Time);
        await seeder.SeedAsync(new SqliteBulkLoader(registry.Path), new SeedOptions(50, Seed, false, Today), null, Ct);

        var error = await Assert.ThrowsAsync<RegistrySeedException>(() =>
            seeder.SeedAsync(new SqliteBulkLoader(registry.Path), new SeedOptions(60, Seed + 1, false, Today), null, Ct));
        var replaced = await seeder.SeedAsync(new SqliteBulkLoader(registry.Path), new SeedOptions(60, Seed + 1, true, Today), null, Ct);

        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal(60, replaced.Licenses);
        var store = registry.OpenStore();
        Assert.Null(await store.GetLicenseAsync(SyntheticRegistry.LicenseNumber(Seed, 0), Ct));
        Assert.NotNull(await store.GetLicenseAsync(SyntheticRegistry.LicenseNumber(Seed + 1, 59), Ct));
    }

    [Fact]
    public async Task SeedAsync_EmptyInitializedRegistry_SeedsWithoutForce()
    {
        using var registry = new TempRegistry();
        using (var store = registry.OpenStore())
        {
            await store.InitializeAsync(Ct);
        }

        var result = await new RegistrySeeder(registry.Time).SeedAsync(
            new SqliteBulkLoader(registry.Path), new SeedOptions(10, Seed, false, Today), null, Ct);

        Assert.Equal(10, result.Licenses);
    }

    [Theory]
    [InlineData(new[] { "--licenses", "1000" }, 1000L, SyntheticRegistry.DefaultSeed, false)]
    [InlineData(new[] { "--licenses=1_000_000", "--seed", "42", "--force" }, 1_000_000L, 42, true)]
    [InlineData(new[] { "--Registry:Path=x.db", "--force", "--licenses", "5", "--seed=-3" }, 5L, -3, true)]
    public void TryParse_ValidArguments_Parses(string[] args, long licenses, int seed, bool force)
    {
        Assert.True(SeedCommand.TryParse(args, out var parsed, out var error), error);
        Assert.Equal(licenses, parsed.Licenses);
        Assert.Equal(seed, parsed.Seed);
        Assert.Equal(force, parsed.Force);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--licenses")]
    [InlineData("--licenses 0")]
    [InlineData("--licenses ten")]
    [InlineData("--licenses 10 --seed x")]
    [InlineData("--licenses 10 --today 25/11/2026")]
    [InlineData("--licenses 10 --bogus")]
    [InlineData("--licenses 10 --force=yes")]
    public void TryParse_BadArguments_Fails(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.False(SeedCommand.TryParse(args, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task RunAsync_BadArguments_ReturnsTwoWithUsage()
    {
        var output = new StringWriter();

        var code = await SeedCommand.RunAsync(["--licenses", "-5"], new ConfigurationBuilder().Build(), RegistryEngine.OpenBulkLoader, output, Ct);

        Assert.Equal(2, code);
        Assert.Contains("Usage: seed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PathFromConfiguration_SeedsAndPrintsSummary()
    {
        using var registry = new TempRegistry();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:Path"] = registry.Path })
            .Build();
        var output = new StringWriter();
        var time = new FakeTimeProvider(TempRegistry.Start);

        var code = await SeedCommand.RunAsync(["--licenses", "100", "--seed", "3"], configuration, RegistryEngine.OpenBulkLoader, output, time, interactive: false, Ct);
        var again = await SeedCommand.RunAsync(["--licenses", "100"], configuration, RegistryEngine.OpenBulkLoader, output, time, interactive: false, Ct);

        Assert.Equal(0, code);
        Assert.Equal(1, again);
        var text = output.ToString();
        Assert.Contains("Seeded 100 licences, 80 vehicles", text, StringComparison.Ordinal);
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.Contains("--force", text, StringComparison.Ordinal);
        // "today" comes from the time provider, in China Standard Time.
        Assert.Contains("today 2026-11-25", text, StringComparison.Ordinal);
        Assert.NotNull(await registry.OpenStore().GetLicenseAsync(SyntheticRegistry.LicenseNumber(3, 99), Ct));
    }

    private sealed class SyncProgress(List<SeedProgress> reports) : IProgress<SeedProgress>
    {
        public void Report(SeedProgress value) => reports.Add(value);
    }
}
