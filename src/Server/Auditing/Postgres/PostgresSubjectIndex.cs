using System.Data;
using System.Text;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// The audit trail's index by subject on PostgreSQL, behind the holder's "who checked my licence":
/// rows (subject, seq) under their primary key, and a progress row naming the last record indexed by
/// sequence and hash. Built behind the writer (its indexer loop), never on the commit path.
/// </summary>
/// <remarks>
/// Every replica runs the writer's indexer loop against the same database: a pass locks the progress
/// row with <c>FOR UPDATE SKIP LOCKED</c>, so one replica indexes at a time and the others' passes find
/// it taken and return at once instead of queueing or indexing twice. A pass continues from the
/// progress it finds, in the same transaction as its rows, so a failed pass leaves nothing. Should the
/// progress name a record the trail no longer holds with that hash (a trail restored or replaced), the
/// index is rebuilt from the start. Lookups are complete however far it lags (see <see cref="ListAsync"/>).
/// </remarks>
internal sealed partial class PostgresSubjectIndex(NpgsqlDataSource dataSource, string location, ILogger logger) : IAuditSubjectIndex
{
    /// <summary>Most records one pass indexes (bounds its memory; catching up takes several passes).</summary>
    internal const int MaxPassRecords = 262_144;

    private const string LockProgress = "SELECT indexed_seq, indexed_hash FROM audit.subject_progress WHERE id = 1 FOR UPDATE SKIP LOCKED";

    private const string InsertEntries =
        "INSERT INTO audit.subject_entry (subject, seq) SELECT * FROM unnest($1::bytea[], $2::bigint[]) ON CONFLICT DO NOTHING";

    private const string UpdateProgress = "UPDATE audit.subject_progress SET indexed_seq = $1, indexed_hash = $2 WHERE id = 1";

    /// <summary>Creates the schema when missing (the index's tables are part of it).</summary>
    public async ValueTask OpenAsync(CancellationToken cancellationToken) => await PostgresAuditSchema.MigrateAsync(dataSource, cancellationToken);

    public async ValueTask<int> IndexOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // READ COMMITTED named, as for the head lock (see PostgresAuditSink.AppendAsync): the progress lock
        // must read the row another replica's pass just committed, not fail on it.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        long indexedSequence;
        byte[] indexedHash;
        await using (var progress = new NpgsqlCommand(LockProgress, connection, transaction))
        await using (var row = await progress.ExecuteReaderAsync(cancellationToken))
        {
            if (!await row.ReadAsync(cancellationToken))
            {
                return 0; // another replica's pass holds it
            }

            (indexedSequence, indexedHash) = (row.GetInt64(0), row.GetFieldValue<byte[]>(1));
        }

        var reader = new PostgresTrailReader(connection, transaction);
        if (indexedSequence > 0 && !((await reader.EntryAtAsync(indexedSequence, cancellationToken))?.Hash.Span.SequenceEqual(indexedHash) ?? false))
        {
            LogReset(logger, location, indexedSequence);
            await using var reset = new NpgsqlCommand("DELETE FROM audit.subject_entry", connection, transaction);
            await reset.ExecuteNonQueryAsync(cancellationToken);
            indexedSequence = 0;
        }

        var subjects = new List<byte[]>();
        var sequences = new List<long>();
        byte[]? lastHash = null;
        await foreach (var stored in reader.ReadAfterAsync(indexedSequence, cancellationToken))
        {
            // A record that cannot be read is left out of the index; `audit verify` reports it.
            if (stored.Problem is null && AuditChain.ReadSubject(stored.Body.Span) is { } subject)
            {
                // One entry per subject the record names (a roadside check names the driver and the vehicle).
                foreach (var part in AuditSubjects.Split(subject))
                {
                    subjects.Add(Encoding.UTF8.GetBytes(part));
                    sequences.Add(stored.Sequence);
                }

                lastHash = stored.Hash.ToArray();
                if (sequences.Count >= MaxPassRecords)
                {
                    break;
                }
            }
        }

        if (lastHash is null)
        {
            return 0;
        }

        await using var write = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(InsertEntries) { Parameters = { new NpgsqlParameter<byte[][]> { TypedValue = [.. subjects] }, new NpgsqlParameter<long[]> { TypedValue = [.. sequences] } } },
                new NpgsqlBatchCommand(UpdateProgress) { Parameters = { new NpgsqlParameter<long> { TypedValue = sequences[^1] }, new NpgsqlParameter<byte[]> { TypedValue = lastHash } } },
            },
        };
        await write.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sequences.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit subject index in {Location} does not match the trail at seq {Sequence} (restored or replaced): rebuilding it.")]
    private static partial void LogReset(ILogger logger, string location, long sequence);
}
