using ELicense.Server.Registry.Seeding;
using ELicense.Server.Registry.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ELicense.Server.Tests.Registry.Sqlite;

/// <summary>
/// <see cref="SqliteRegistryStore.PingAsync"/> reads real rows: it passes on a sound registry, empty or
/// seeded, and fails on one whose licence pages are garbage — wherever in the table the garbage is, within one sweep.
/// </summary>
public sealed class SqliteRegistryProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TempRegistry> SeededAsync()
    {
        var registry = new TempRegistry();
        await new RegistrySeeder(TimeProvider.System).SeedAsync(new SqliteBulkLoader(registry.Path),
            new SeedOptions(3_000, 20261125, Force: false, new DateOnly(2026, 11, 25)), null, Ct);
        SqliteConnection.ClearAllPools();
        return registry;
    }

    /// <summary>
    /// The licence table's leaf pages in key order, found by walking its b-tree in the file (the bundled
    /// SQLite has no dbstat table). A WITHOUT ROWID table is an index b-tree: interior pages (type 2) hold
    /// cells that start with a 4-byte left child, plus a right-most child in the page header; leaves are type 10.
    /// </summary>
    private static List<long> LicenceLeafPages(string path)
    {
        long root;
        int pageSize;
        using (var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT rootpage FROM sqlite_master WHERE name = 'licenses'), (SELECT page_size FROM pragma_page_size())";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            (root, pageSize) = (reader.GetInt64(0), reader.GetInt32(1));
        }

        var file = File.ReadAllBytes(path);
        var leaves = new List<long>();
        Walk(root);
        return leaves;

        void Walk(long page)
        {
            var at = (int)((page - 1) * pageSize);
            var type = file[at];
            if (type == 10)
            {
                leaves.Add(page);
                return;
            }

            Assert.Equal(2, type);
            var cells = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at + 3));
            for (var i = 0; i < cells; i++)
            {
                var cell = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at + 12 + 2 * i));
                Walk(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + cell)));
            }

            Walk(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8)));
        }
    }

    private static void Garble(string path, long page, int pageSize = 4096) // the seeder's page size
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        var garbage = new byte[pageSize];
        new Random((int)page).NextBytes(garbage);
        file.Seek((page - 1) * pageSize, SeekOrigin.Begin);
        file.Write(garbage);
    }

    [Fact]
    public async Task PingAsync_EmptyRegistry_Succeeds()
    {
        var (registry, store) = await TempRegistry.CreateAsync();
        using var _ = registry;

        await store.PingAsync(Ct);
    }

    [Fact]
    public async Task PingAsync_SeededRegistry_SucceedsEveryTime()
    {
        using var registry = await SeededAsync();
        var store = registry.OpenStore();

        for (var i = 0; i < 50; i++)
        {
            await store.PingAsync(Ct);
        }
    }

    [Fact]
    public async Task PingAsync_FirstLicenceLeafGarbage_Throws()
    {
        using var registry = await SeededAsync();
        Garble(registry.Path, LicenceLeafPages(registry.Path)[0]);
        var store = registry.OpenStore();

        await Assert.ThrowsAsync<SqliteException>(() => store.PingAsync(Ct));
    }

    [Fact]
    public async Task PingAsync_OneLicenceLeafInTheMiddleGarbage_FoundWithinOneSweep()
    {
        using var registry = await SeededAsync();
        var leaves = LicenceLeafPages(registry.Path);
        Assert.True(leaves.Count >= 10, $"{leaves.Count} leaves");
        Garble(registry.Path, leaves[leaves.Count / 2]); // neither end: only the sweep can reach it
        var store = registry.OpenStore();

        // The probe sweeps the table 100 rows at a time: the leaf is reached within one sweep of 3,000 rows.
        var probes = 0;
        var found = false;
        while (!found && probes++ < 3_000 / 100 + 1)
        {
            try
            {
                await store.PingAsync(Ct);
            }
            catch (SqliteException)
            {
                found = true;
            }
        }

        Assert.True(found, $"not found in {probes - 1} probes over {leaves.Count} leaves");
    }
}
