using ELicense.Server.Registry;
using ELicense.Server.Registry.Sqlite;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Sqlite;

/// <summary>
/// What the SQLite engine does beyond the store contract: its error codes, its lock, and the consecutive
/// sequence numbers its single writer gives (the contract only promises order).
/// </summary>
public sealed class SqliteRegistryStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetChanges_SingleWriter_SequencesAreConsecutiveFromOne()
    {
        var (registry, store) = await TempRegistry.CreateAsync();
        using var _ = registry;
        Assert.Equal(0, await store.GetLatestChangeSequenceAsync(Ct));
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct);
        await store.UpsertLicenseAsync(License(HolderB), Ct);
        var status = await store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, Ct);

        Assert.Equal(
            [new RegistryChange(1, ChangeKind.License, HolderA), new RegistryChange(2, ChangeKind.VehiclePlate, "02:京A12345"),
             new RegistryChange(3, ChangeKind.VehicleVin, VinA), new RegistryChange(4, ChangeKind.License, HolderB),
             new RegistryChange(5, ChangeKind.License, HolderA)],
            await store.GetChangesAsync(0, 100, Ct));
        Assert.Equal([new RegistryChange(5, ChangeKind.License, HolderA)], status!.Changes);
        Assert.Equal([new RegistryChange(3, ChangeKind.VehicleVin, VinA)], await store.GetChangesAsync(2, 1, Ct));
        Assert.Equal(5, await store.GetLatestChangeSequenceAsync(Ct));
    }

    [Fact]
    public async Task TwoStoresOnOneFile_ConcurrentWrites_SequencesAreConsecutive()
    {
        var (registry, first) = await TempRegistry.CreateAsync();
        using var _ = registry;
        var second = registry.OpenStore();
        await second.InitializeAsync(Ct);

        // Each write starts on the pool (SQLite's calls complete synchronously: started here, they would run in turn).
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .RecordViolationAsync(Violation(PlateA, Start.AddSeconds(i)), $"req-{i}", Ct), Ct)));

        var sequences = (await first.GetChangesAsync(0, 1000, Ct)).Select(c => c.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), sequences);
    }

    [Fact]
    public void Classifier_BusyAndLocked_AreTransient()
    {
        Assert.True(SqliteErrorClassifier.Instance.IsTransient(new SqliteException("busy", 5)));
        Assert.True(SqliteErrorClassifier.Instance.IsTransient(new SqliteException("locked", 6)));
        Assert.True(SqliteErrorClassifier.Instance.IsTransient(new SqliteException("busy snapshot", 5, 517)));
        Assert.True(SqliteErrorClassifier.Instance.IsTransient(new InvalidOperationException("wrapped", new SqliteException("busy", 5))));
        Assert.False(SqliteErrorClassifier.Instance.IsTransient(new SqliteException("constraint", 19)));
        Assert.False(SqliteErrorClassifier.Instance.IsTransient(new TimeoutException()));
        Assert.False(SqliteErrorClassifier.Instance.IsTransient(null));
    }

    [Fact]
    public async Task Write_WhileAnotherConnectionHoldsTheWriteLock_FailsAsTransient()
    {
        var (registry, store) = await TempRegistry.CreateAsync();
        using var _ = registry;
        var impatient = registry.OpenStore(busyTimeoutMs: 50);
        await using var blocker = new SqliteConnection(SqliteRegistryStore.BuildConnectionString(registry.Path, 50));
        await blocker.OpenAsync(Ct);
        using var transaction = blocker.BeginTransaction(deferred: false);

        var error = await Assert.ThrowsAsync<SqliteException>(() => impatient.UpsertLicenseAsync(License(HolderA), Ct));

        Assert.True(SqliteErrorClassifier.Instance.IsTransient(error));
        transaction.Rollback();
        Assert.NotNull((await impatient.UpsertLicenseAsync(License(HolderA), Ct)).Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Initialize_NewOrVersion1File_StampsSchemaVersion2(bool fromVersion1)
    {
        var registry = new TempRegistry();
        await using var engine = new SqliteRegistryStoreContractTests.SqliteEngine(registry); // disposes the registry
        if (fromVersion1)
        {
            await engine.WriteVersion1VehicleAsync(Vehicle(PlateA, VinA));
        }

        await engine.OpenStoreAsync();

        using var connection = new SqliteConnection($"Data Source={registry.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        Assert.Equal(SqliteRegistrySchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), command.ExecuteScalar());
    }

    [Fact]
    public async Task Initialize_FileOfNewerSchema_RefusesNamingFileAndBothVersionsAndLeavesIt()
    {
        var (registry, _) = await TempRegistry.CreateAsync();
        using var cleanup = registry;
        SetSchemaVersion(registry.Path, "3");
        // In rollback-journal mode the file is a single file whose bytes say whether anything touched it,
        // the journal mode included (a store that switched it to WAL on the way to refusing would change it).
        Pragma(registry.Path, "PRAGMA journal_mode = DELETE");
        var before = System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(registry.Path));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.OpenStore().InitializeAsync(Ct));

        // SQLite reports the file's full path, which may differ from the one given by a resolved link.
        Assert.StartsWith("The registry file ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            $"registry.db is at schema version 3, newer than this build's {SqliteRegistrySchema.Version}: " +
            "a newer server wrote it. Run a build at least that new (or point this one at another file).",
            error.Message, StringComparison.Ordinal);
        Assert.Equal("delete", Pragma(registry.Path, "PRAGMA journal_mode"));
        Assert.Equal(before, System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(registry.Path)));
        Assert.Equal("3", ReadSchemaVersion(registry.Path));
    }

    private static string? Pragma(string path, string pragma)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        return command.ExecuteScalar() as string;
    }

    [Fact]
    public async Task ApplyUpgrade_Version1FileTwice_ChangesItOnlyTheFirstTime()
    {
        var registry = new TempRegistry();
        await using var engine = new SqliteRegistryStoreContractTests.SqliteEngine(registry); // disposes the registry
        await engine.WriteVersion1VehicleAsync(Vehicle(PlateA, VinA));
        await using var connection = new SqliteConnection($"Data Source={registry.Path};Pooling=False");
        await connection.OpenAsync(Ct);

        var first = await ApplyInTransactionAsync(connection);
        var second = await ApplyInTransactionAsync(connection);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("2", ReadSchemaVersion(registry.Path));
    }

    private static async Task<bool> ApplyInTransactionAsync(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        var changed = await SqliteRegistryUpgrade.ApplyAsync(connection, transaction, Ct);
        await transaction.CommitAsync(Ct);
        return changed;
    }

    private static void SetSchemaVersion(string path, string version)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE meta SET value = $v WHERE key = 'schema_version'";
        command.Parameters.AddWithValue("$v", version);
        command.ExecuteNonQuery();
    }

    private static string? ReadSchemaVersion(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        return (string?)command.ExecuteScalar();
    }
}
