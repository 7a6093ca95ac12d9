using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>
/// Reads the audit trail's records in order, whichever way they are stored: schema-1 rows of
/// <c>audit</c> first (files written before blocks), then the records of <c>audit_block</c> (see
/// <see cref="AuditChain"/>), and the committed head. Reads on the given connection and transaction, so that callers choose the
/// snapshot; checks nothing beyond what it needs to parse (the chain is the verifier's business).
/// </summary>
internal sealed class SqliteTrailReader(SqliteConnection connection, SqliteTransaction? transaction)
{
    private const string SelectMeta = "SELECT record_count, head_seq, head_hash FROM meta WHERE id = 1";

    private const string LegacyColumns = "seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source, prev_hash, hash";

    private const string StartingAfter =
        " WHERE first_seq >= coalesce((SELECT max(first_seq) FROM audit_block WHERE first_seq <= $seq + 1), $seq + 1)";

    private bool? _hasLegacy;
    private bool? _hasBlocks;

    // The block EntryAt read last: a holder's page of records mostly falls in few blocks.
    private long _cachedFirst = long.MinValue;
    private List<TrailEntry>? _cachedBlock;

    /// <summary>The meta row as stored (null fields when missing or of the wrong type; no row: all null).</summary>
    public AuditStoredHead ReadHead()
    {
        using var command = Command(SelectMeta, null);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return new AuditStoredHead(null, null, null);
        }

        // As read before the seam: a value SQLite can convert is taken as a number, NULL is missing.
        return new AuditStoredHead(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.GetValue(2) as byte[]);
    }

    /// <summary>The records after <paramref name="afterSequence"/> (all of them when null), in stored order.</summary>
    public IEnumerable<TrailEntry> ReadAfter(long? afterSequence)
    {
        if (HasLegacy())
        {
            using var legacy = Command($"SELECT {LegacyColumns} FROM {SqliteAuditSchema.LegacyTable}"
                + (afterSequence is null ? "" : " WHERE seq > $seq") + " ORDER BY seq", afterSequence);
            using var rows = legacy.ExecuteReader();
            while (rows.Read())
            {
                yield return SqliteTrailRows.LegacyEntry(rows);
            }
        }

        if (!HasBlocks())
        {
            yield break;
        }

        // From the block holding the record after the start: a range of the primary key, found by one
        // seek, so that a pass over the trail's end costs the end, not the whole trail. Reading everything
        // (afterSequence null, as the verifier does) takes every block whatever its columns say.
        using var blocks = Command("SELECT first_seq, last_seq, records FROM audit_block"
            + (afterSequence is null ? "" : StartingAfter) + " ORDER BY first_seq", afterSequence);
        using var reader = blocks.ExecuteReader();
        while (reader.Read())
        {
            foreach (var entry in SqliteTrailRows.ParseBlock(reader))
            {
                if (afterSequence is null || entry.Sequence > afterSequence || entry.Problem is not null)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>Record <paramref name="sequence"/>, or null when the trail has no readable record with that number.</summary>
    public TrailEntry? EntryAt(long sequence)
    {
        if (HasLegacy())
        {
            using var legacy = Command($"SELECT {LegacyColumns} FROM {SqliteAuditSchema.LegacyTable} WHERE seq = $seq", sequence);
            using var row = legacy.ExecuteReader();
            if (row.Read())
            {
                return SqliteTrailRows.LegacyEntry(row) is { Problem: null } entry ? entry : null;
            }
        }

        if (!HasBlocks())
        {
            return null;
        }

        if (_cachedBlock is null || sequence < _cachedFirst || sequence > _cachedBlock[^1].Sequence)
        {
            using var block = Command("SELECT first_seq, last_seq, records FROM audit_block WHERE first_seq <= $seq ORDER BY first_seq DESC LIMIT 1", sequence);
            using var reader = block.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var entries = SqliteTrailRows.ParseBlock(reader);
            if (entries.Count == 0 || entries[0].Problem is not null)
            {
                return null;
            }

            _cachedFirst = reader.GetInt64(0);
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

    /// <summary>The last stored record (the end of the last block, else the last schema-1 row); null for an empty trail.</summary>
    public TrailEntry? Last()
    {
        if (HasBlocks())
        {
            using var block = Command("SELECT first_seq, last_seq, records FROM audit_block ORDER BY first_seq DESC LIMIT 1", null);
            using var reader = block.ExecuteReader();
            if (reader.Read())
            {
                return SqliteTrailRows.ParseBlock(reader)[^1];
            }
        }

        if (!HasLegacy())
        {
            return null;
        }

        using var legacy = Command($"SELECT {LegacyColumns} FROM {SqliteAuditSchema.LegacyTable} ORDER BY seq DESC LIMIT 1", null);
        using var row = legacy.ExecuteReader();
        return row.Read() ? SqliteTrailRows.LegacyEntry(row) : null;
    }

    private bool HasLegacy() => _hasLegacy ??= HasTable(SqliteAuditSchema.LegacyTable);

    // A schema-1 file that no server of schema 2 has opened yet has no blocks table.
    private bool HasBlocks() => _hasBlocks ??= HasTable("audit_block");

    private bool HasTable(string name)
    {
        using var command = Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name", null);
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() is not null;
    }

    private SqliteCommand Command(string sql, long? sequence)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (sequence is { } value && sql.Contains("$seq", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("$seq", value);
        }

        return command;
    }
}
