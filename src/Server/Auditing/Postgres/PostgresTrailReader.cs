using System.Runtime.CompilerServices;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// Reads the trail's blocks in order, and the committed head, on the given connection and transaction
/// (callers choose the snapshot). Blocks are split by <see cref="AuditChain.ParseBlock"/>, as on SQLite,
/// so that a damaged block is reported alike; a column of the wrong type (an altered table) is a
/// problem of that block, not a crash.
/// </summary>
internal sealed class PostgresTrailReader(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private const string Blocks = "SELECT first_seq, last_seq, records FROM audit.block";

    private const string SelectAll = Blocks + " ORDER BY first_seq";

    // From the block holding the record after the start: one index seek, so that a pass over the trail's
    // end costs the end, not the whole trail.
    private const string SelectAfter = Blocks
        + " WHERE first_seq >= coalesce((SELECT max(first_seq) FROM audit.block WHERE first_seq <= $1 + 1), $1 + 1) ORDER BY first_seq";

    private const string SelectAt = Blocks + " WHERE first_seq <= $1 ORDER BY first_seq DESC LIMIT 1";

    private const string SelectLast = Blocks + " ORDER BY first_seq DESC LIMIT 1";

    // The block EntryAt read last: a holder's page of records mostly falls in few blocks.
    private long _cachedFirst = long.MinValue;
    private List<TrailEntry>? _cachedBlock;

    /// <summary>The head row as stored (null fields when missing or of the wrong type; no row: all null).</summary>
    public async ValueTask<AuditStoredHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostgresAuditSchema.SelectHead, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new AuditStoredHead(null, null, null);
        }

        return new AuditStoredHead(Integer(reader, 0), Integer(reader, 1), Bytes(reader, 2));
    }

    /// <summary>The records after <paramref name="afterSequence"/> (all of them when null), in stored order, problems included.</summary>
    public async IAsyncEnumerable<TrailEntry> ReadAfterAsync(long? afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Reading everything (afterSequence null, as the verifier does) takes every block whatever its columns say.
        await using var command = new NpgsqlCommand(afterSequence is null ? SelectAll : SelectAfter, connection, transaction);
        if (afterSequence is { } after)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            foreach (var entry in Parse(reader))
            {
                if (afterSequence is null || entry.Sequence > afterSequence || entry.Problem is not null)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>Record <paramref name="sequence"/>, or null when the trail has no readable record with that number.</summary>
    public async ValueTask<TrailEntry?> EntryAtAsync(long sequence, CancellationToken cancellationToken)
    {
        if (_cachedBlock is null || sequence < _cachedFirst || sequence > _cachedBlock[^1].Sequence)
        {
            await using var command = new NpgsqlCommand(SelectAt, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var entries = Parse(reader);
            if (entries[0].Problem is not null)
            {
                return null;
            }

            _cachedFirst = entries[0].Sequence;
            _cachedBlock = entries;
        }

        foreach (var entry in _cachedBlock)
        {
            if (entry.Sequence == sequence && entry.Problem is null)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The last stored record (the end of the last block); null for an empty trail.</summary>
    public async ValueTask<TrailEntry?> LastAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectLast, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Parse(reader)[^1] : null;
    }

    private static List<TrailEntry> Parse(NpgsqlDataReader reader) =>
        AuditChain.ParseBlock(Integer(reader, 0), Integer(reader, 1), Bytes(reader, 2));

    // By value, not by typed getter: a column whose type was altered reads as missing, as on SQLite.
    private static long? Integer(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) as long?;

    private static byte[]? Bytes(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) as byte[];
}
