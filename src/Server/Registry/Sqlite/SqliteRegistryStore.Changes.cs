using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;
using static ELicense.Server.Registry.Sqlite.SqliteRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// The change feed: an AUTOINCREMENT key assigned inside each write's <c>BEGIN IMMEDIATE</c> transaction.
/// With SQLite's single writer, sequences become visible in commit order and no gap is filled later
/// (the ordering guarantee of <see cref="IRegistryStore"/>).
/// </summary>
public sealed partial class SqliteRegistryStore
{
    private const string InsertChangeSql = "INSERT INTO changes (kind, key, change_unix_ms) VALUES ($kind, $key, $now) RETURNING seq";

    private const string SelectChanges = "SELECT seq, kind, key FROM changes WHERE seq > $after ORDER BY seq LIMIT $limit";

    private const string SelectLatestChange = "SELECT coalesce(max(seq), 0) FROM changes";

    // Walks the primary key backwards from the newest change: cost grows with the changes since $before, not the table.
    private const string SelectChangeBefore = "SELECT coalesce((SELECT seq FROM changes WHERE change_unix_ms < $before ORDER BY seq DESC LIMIT 1), 0)";

    public Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<RegistryChange>>([]);
        }

        return WithSessionAsync<IReadOnlyList<RegistryChange>>(async (session, ct) =>
        {
            var changes = new List<RegistryChange>(Math.Min(limit, 1024));
            using var reader = await session.Command(SelectChanges).Bind("$after", afterSequence).Bind("$limit", limit).ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changes.Add(new RegistryChange(reader.GetInt64(0), (ChangeKind)reader.GetInt32(1), reader.GetString(2)));
            }

            return changes;
        }, cancellationToken);
    }

    public Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) => (long)(await session.Command(SelectLatestChange).ExecuteScalarAsync(ct))!, cancellationToken);

    public Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) => (long)(await session.Command(SelectChangeBefore)
            .Bind("$before", before.ToUnixTimeMilliseconds()).ExecuteScalarAsync(ct))!, cancellationToken);

    private static async Task AddChangeAsync(SqliteSession session, SqliteTransaction transaction, List<RegistryChange> changes,
        ChangeKind kind, string key, long now, CancellationToken cancellationToken)
    {
        var sequence = (long)(await session.Command(InsertChangeSql, transaction)
            .Bind("$kind", (int)kind).Bind("$key", key).Bind("$now", now)
            .ExecuteScalarAsync(cancellationToken))!;
        changes.Add(new RegistryChange(sequence, kind, key));
    }

    /// <summary>A plate's change, and its vehicle's VIN change when a vehicle carries that plate.</summary>
    private static async Task AddPlateChangesAsync(SqliteSession session, SqliteTransaction transaction, List<RegistryChange> changes,
        Plate plate, long now, CancellationToken cancellationToken)
    {
        await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(plate), now, cancellationToken);
        var vin = await session.Command(SelectVinByPlate, transaction)
            .Bind("$type", (int)plate.Type).Bind("$number", plate.Number)
            .ExecuteScalarAsync(cancellationToken) as string;
        if (vin is not null)
        {
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, vin, now, cancellationToken);
        }
    }
}
