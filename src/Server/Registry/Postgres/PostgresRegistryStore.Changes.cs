using ELicense.V1;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// The change feed: sequence numbers from the one counter row, taken as a write's last step before its
/// commit (see <see cref="PostgresRegistrySchema"/>'s remarks), and the reads a follower makes.
/// </summary>
public sealed partial class PostgresRegistryStore
{
    // One statement, one round trip, while the counter row is locked: the UPDATE takes the row lock (a
    // concurrent writer queues here until this transaction ends, then reads the committed value), the INSERT
    // numbers the collected changes below the new value in their order, and pg_notify queues the wake-up,
    // which PostgreSQL delivers only if and when this transaction commits. The payload is the last sequence.
    private const string SequenceSql = $"""
        WITH counter AS (
            UPDATE registry.change_counter SET seq = seq + cardinality($1::integer[]) WHERE id = 1 RETURNING seq
        ), inserted AS (
            INSERT INTO registry.changes (seq, kind, key, change_unix_ms)
            SELECT counter.seq - cardinality($1::integer[]) + c.ord, c.kind, c.key, $3
            FROM counter, unnest($1::integer[], $2::text[]) WITH ORDINALITY AS c (kind, key, ord)
        )
        SELECT seq, pg_notify('{PostgresRegistrySchema.NotifyChannel}', seq::text)::text FROM counter
        """;

    private const string SelectChanges = "SELECT seq, kind, key FROM registry.changes WHERE seq > $1 ORDER BY seq LIMIT $2";

    // The newest visible row, not the counter: both are committed together, but the feed's rows are what
    // GetChangesAsync returns, so this can never name a sequence the feed cannot yet show.
    private const string SelectLatestChange = "SELECT coalesce(max(seq), 0) FROM registry.changes";

    // Walks the primary key backwards from the newest change: cost grows with the changes since $1, not the table.
    private const string SelectChangeBefore =
        "SELECT coalesce((SELECT seq FROM registry.changes WHERE change_unix_ms < $1 ORDER BY seq DESC LIMIT 1), 0)";

    private async Task<IReadOnlyList<RegistryChange>> GetChangesCoreAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        var changes = new List<RegistryChange>(Math.Min(limit, 1024));
        await using var command = Read(SelectChanges).Arg(afterSequence).Arg((long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new RegistryChange(reader.GetInt64(0), (ChangeKind)reader.GetInt32(1), reader.GetString(2)));
        }

        return changes;
    }

    private async Task<long> GetLatestChangeSequenceCoreAsync(CancellationToken cancellationToken)
    {
        await using var command = Read(SelectLatestChange);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<long> GetLastChangeSequenceBeforeCoreAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = Read(SelectChangeBefore).Arg(before.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Numbers the write's collected changes and queues the notification; nothing when it changed nothing.</summary>
    private static async Task<IReadOnlyList<RegistryChange>> SequenceAsync(PostgresRegistryWrite write, CancellationToken cancellationToken)
    {
        var collected = write.Changes;
        if (collected.Count == 0)
        {
            return [];
        }

        var kinds = new int[collected.Count];
        var keys = new string[collected.Count];
        for (var i = 0; i < collected.Count; i++)
        {
            (kinds[i], keys[i]) = ((int)collected[i].Kind, collected[i].Key);
        }

        await using var command = write.Command(SequenceSql);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
        command.Arg(write.Now);
        // No row back means no counter row (migration 1 creates it; only a damaged schema lacks it): say so,
        // rather than fail on a null.
        var last = await command.ExecuteScalarAsync(cancellationToken) as long?
            ?? throw new InvalidOperationException("The registry's change counter row (registry.change_counter, id 1) is missing.");

        var changes = new RegistryChange[collected.Count];
        for (var i = 0; i < collected.Count; i++)
        {
            changes[i] = new RegistryChange(last - collected.Count + 1 + i, collected[i].Kind, collected[i].Key);
        }

        return changes;
    }

    /// <summary>A plate's change, and its vehicle's VIN change when a vehicle carries that plate.</summary>
    private static async Task PlateChangedAsync(PostgresRegistryWrite write, Plate plate, CancellationToken cancellationToken)
    {
        write.PlateChanged(plate);
        await using var command = write.Command(SelectVinByPlate).Arg((int)plate.Type).Arg(plate.Number);
        if (await command.ExecuteScalarAsync(cancellationToken) is string vin)
        {
            write.Changed(ChangeKind.VehicleVin, vin);
        }
    }
}
