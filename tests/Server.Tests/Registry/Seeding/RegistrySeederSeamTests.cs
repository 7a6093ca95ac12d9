using ELicense.Server.Registry.Seeding;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Registry.Seeding;

/// <summary>
/// The engine-neutral seeder over <see cref="IRegistryBulkLoader"/>: the steps an engine sees, in order,
/// and the rows each batch carries — with a loader that records instead of writing.
/// </summary>
public sealed class RegistrySeederSeamTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedAsync_RecordingLoader_CreatesWritesEveryRowOnceThenCompletes()
    {
        var loader = new RecordingLoader(hasData: false);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

        var result = await new RegistrySeeder(time).SeedAsync(loader, new SeedOptions(1_001, 5, false, Today, BatchSize: 400), null, Ct);

        Assert.Equal(["has-data", "create", "batch 0-400", "batch 400-800", "batch 800-1001", "complete", "dispose"], loader.Steps);
        Assert.Equal(new SeedManifest(5, Today, 1_001, time.GetUtcNow().ToUnixTimeMilliseconds()), loader.Manifest);
        Assert.Equal(1_001, loader.Licenses.Count);
        Assert.Equal(SyntheticRegistry.VehicleCount(1_001), loader.Vehicles.Count);
        Assert.Equal(Enumerable.Range(0, 1_001).Select(i => SyntheticRegistry.LicenseNumber(5, i)), loader.Licenses);
        Assert.Equal(Enumerable.Range(0, (int)SyntheticRegistry.VehicleCount(1_001)).Select(i => SyntheticRegistry.Vin(5, i)), loader.Vehicles);
        var expectedViolations = Enumerable.Range(0, (int)SyntheticRegistry.VehicleCount(1_001))
            .Sum(v => SyntheticRegistry.ViolationCount(5, v));
        Assert.Equal(expectedViolations, loader.Violations);
        Assert.Equal(new SeedCounts(1_001, loader.Vehicles.Count, expectedViolations), loader.Totals);
        Assert.Equal((1_001L, (long)loader.Vehicles.Count, (long)expectedViolations, 4242L),
            (result.Licenses, result.Vehicles, result.Violations, result.SizeBytes));
        Assert.Equal("recording", result.Target);
    }

    [Fact]
    public async Task SeedAsync_TargetHoldsData_RefusesBeforeTouchingItUnlessForced()
    {
        var refused = new RecordingLoader(hasData: true);
        var forced = new RecordingLoader(hasData: true);
        var seeder = new RegistrySeeder(TimeProvider.System);

        var error = await Assert.ThrowsAsync<RegistrySeedException>(() => seeder.SeedAsync(refused, new SeedOptions(10, 5, false, Today), null, Ct));
        await seeder.SeedAsync(forced, new SeedOptions(10, 5, true, Today), null, Ct);

        Assert.Contains("recording already holds data", error.Message, StringComparison.Ordinal);
        Assert.Equal(["has-data", "dispose"], refused.Steps);
        Assert.Contains("create", forced.Steps);
    }

    private sealed class RecordingLoader(bool hasData) : IRegistryBulkLoader
    {
        public List<string> Steps { get; } = [];

        public List<string> Licenses { get; } = [];

        public List<string> Vehicles { get; } = [];

        public int Violations { get; private set; }

        public SeedManifest? Manifest { get; private set; }

        public SeedCounts Totals { get; private set; }

        public string Target => "recording";

        public Task<bool> HasDataAsync(CancellationToken cancellationToken)
        {
            Steps.Add("has-data");
            return Task.FromResult(hasData);
        }

        public Task CreateAsync(SeedManifest manifest, CancellationToken cancellationToken)
        {
            Steps.Add("create");
            Manifest = manifest;
            return Task.CompletedTask;
        }

        public Task<SeedCounts> WriteBatchAsync(SeedBatch batch, CancellationToken cancellationToken)
        {
            Steps.Add($"batch {batch.FirstLicense}-{batch.EndLicense}");
            var licenses = batch.Licenses().Select(l => l.LicenseNumber).ToList();
            var vehicles = batch.Vehicles().Select(v => v.Vin).ToList();
            var violations = batch.Violations().Count();
            Licenses.AddRange(licenses);
            Vehicles.AddRange(vehicles);
            Violations += violations;
            return Task.FromResult(new SeedCounts(licenses.Count, vehicles.Count, violations));
        }

        public Task<long> CompleteAsync(SeedCounts totals, CancellationToken cancellationToken)
        {
            Steps.Add("complete");
            Totals = totals;
            return Task.FromResult(4242L);
        }

        public ValueTask DisposeAsync()
        {
            Steps.Add("dispose");
            return ValueTask.CompletedTask;
        }
    }
}
