using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>A pass of the index: the new records as one sorted run, full levels merged into the next.</summary>
internal sealed partial class SqliteSubjectIndex
{
    /// <summary>Indexes the records after the state's sequence as one level-0 run.</summary>
    private int AppendRun()
    {
        using var index = OpenIndex();
        // IMMEDIATE: replicas' passes take turns, each continuing from the state the last one left.
        using var transaction = index.BeginTransaction(deferred: false);
        var (indexedSequence, indexedHash) = ReadState(index, transaction);

        using var trail = new SqliteConnection(_trailConnectionString);
        trail.Open();
        using var snapshot = trail.BeginTransaction(deferred: true);
        var reset = indexedSequence > 0 && !(TrailHash(trail, snapshot, indexedSequence) is { } indexedInTrail && indexedInTrail.AsSpan().SequenceEqual(indexedHash));
        if (reset)
        {
            LogReset(_logger, _indexPath, indexedSequence);
            Execute(index, "DELETE FROM entries; DELETE FROM runs;", transaction);
            indexedSequence = 0;
        }

        var pending = new List<(string Subject, long Sequence)>();
        byte[]? lastHash = null;
        foreach (var stored in new SqliteTrailReader(trail, snapshot).ReadAfter(indexedSequence))
        {
            // A record that cannot be read is left out of the index; `audit verify` reports it.
            if (stored.Problem is null && AuditChain.ReadSubject(stored.Body.Span) is { } subject)
            {
                // One entry per subject the record names (a roadside check names the driver and the vehicle).
                foreach (var part in AuditSubjects.Split(subject))
                {
                    pending.Add((part, stored.Sequence));
                }

                lastHash = stored.Hash.ToArray();
                if (pending.Count >= MaxRunRecords)
                {
                    break;
                }
            }
        }

        if (pending.Count == 0)
        {
            if (reset)
            {
                WriteState(index, transaction, 0, new byte[AuditChain.HashSize]);
                transaction.Commit();
            }

            return 0;
        }

        var lastSequence = pending[^1].Sequence;

        // Sorted as the key is, so that the run's pages are filled in order.
        pending.Sort(static (a, b) =>
        {
            var bySubject = string.CompareOrdinal(a.Subject, b.Subject);
            return bySubject != 0 ? bySubject : a.Sequence.CompareTo(b.Sequence);
        });

        var runId = NewRun(index, transaction, level: 0, pending.Count);
        InsertEntries(index, runId, pending);
        WriteState(index, transaction, lastSequence, lastHash!);
        transaction.Commit();
        return pending.Count;
    }

    /// <summary>Merges the oldest <see cref="FanOut"/> runs of the lowest full level into one run of the next; false when no level is full.</summary>
    private bool MergeOneLevel()
    {
        using var index = OpenIndex();
        using var transaction = index.BeginTransaction(deferred: false);
        using var full = index.CreateCommand();
        full.Transaction = transaction;
        full.CommandText = "SELECT level FROM runs GROUP BY level HAVING count(*) >= $fan ORDER BY level LIMIT 1";
        full.Parameters.AddWithValue("$fan", FanOut);
        if (full.ExecuteScalar() is not long level)
        {
            return false;
        }

        var merged = new List<long>(FanOut);
        long records = 0;
        using (var runs = index.CreateCommand())
        {
            runs.Transaction = transaction;
            runs.CommandText = "SELECT run_id, records FROM runs WHERE level = $level ORDER BY run_id LIMIT $fan";
            runs.Parameters.AddWithValue("$level", level);
            runs.Parameters.AddWithValue("$fan", FanOut);
            using var reader = runs.ExecuteReader();
            while (reader.Read())
            {
                merged.Add(reader.GetInt64(0));
                records += reader.GetInt64(1);
            }
        }

        // Run ids come from the file, never from input: safe to write into the statement.
        var ids = string.Join(",", merged.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var runId = NewRun(index, transaction, level + 1, records);
        using (var merge = index.CreateCommand())
        {
            merge.Transaction = transaction;
            merge.CommandText = $"""
                INSERT INTO entries (run_id, subject, seq)
                SELECT $run, subject, seq FROM entries WHERE run_id IN ({ids}) ORDER BY subject, seq;
                DELETE FROM entries WHERE run_id IN ({ids});
                DELETE FROM runs WHERE run_id IN ({ids});
                """;
            merge.Parameters.AddWithValue("$run", runId);
            merge.ExecuteNonQuery();
        }

        transaction.Commit();
        LogMerged(_logger, merged.Count, level, records);
        return true;
    }

    private static long NewRun(SqliteConnection index, SqliteTransaction transaction, long level, long records)
    {
        using var command = index.CreateCommand();
        command.Transaction = transaction;
        // A new run's id is above every existing one (no AUTOINCREMENT needed: the highest run is never
        // deleted before a higher one exists), so its entries append at the right edge of the key.
        command.CommandText = "INSERT INTO runs (level, records) VALUES ($level, $records) RETURNING run_id";
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$records", records);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Inserts through SQLite's own API (bound by index, no data reader): this loop runs once per audited call.</summary>
    private static void InsertEntries(SqliteConnection index, long runId, List<(string Subject, long Sequence)> entries)
    {
        var rc = raw.sqlite3_prepare_v2(index.Handle, "INSERT INTO entries (run_id, subject, seq) VALUES (?1, ?2, ?3)", out var statement);
        using (statement)
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new SqliteException($"Subject index insert could not be prepared: {raw.sqlite3_errmsg(index.Handle).utf8_to_string()}", rc);
            }

            foreach (var (subject, sequence) in entries)
            {
                raw.sqlite3_bind_int64(statement, 1, runId);
                raw.sqlite3_bind_text16(statement, 2, subject);
                raw.sqlite3_bind_int64(statement, 3, sequence);
                rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    throw new SqliteException($"Subject index insert failed: {raw.sqlite3_errmsg(index.Handle).utf8_to_string()}", rc);
                }
            }
        }
    }

    private static (long Sequence, byte[] Hash) ReadState(SqliteConnection index, SqliteTransaction transaction)
    {
        using var command = index.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT indexed_seq, indexed_hash FROM state WHERE id = 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : (0, new byte[AuditChain.HashSize]);
    }

    private static void WriteState(SqliteConnection index, SqliteTransaction transaction, long sequence, byte[] hash)
    {
        using var command = index.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE state SET indexed_seq = $seq, indexed_hash = $hash WHERE id = 1";
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$hash", hash);
        command.ExecuteNonQuery();
    }

    /// <summary>The hash of the trail's record <paramref name="sequence"/>; null when the trail has no such record.</summary>
    private static byte[]? TrailHash(SqliteConnection trail, SqliteTransaction snapshot, long sequence) =>
        new SqliteTrailReader(trail, snapshot).EntryAt(sequence)?.Hash.ToArray();
}
