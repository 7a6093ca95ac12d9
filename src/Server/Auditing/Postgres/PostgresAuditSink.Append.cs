using System.Data;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>One group commit: the head locked, the blocks and the new head written, a durable commit.</summary>
public sealed partial class PostgresAuditSink
{
    public async ValueTask AppendAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The audit sink is not open (OpenAsync first, and again after a failed append).");
        try
        {
            // READ COMMITTED, named because the head lock depends on it (Npgsql also sends it for an
            // unspecified level, whatever default_transaction_isolation says): FOR UPDATE waits for another
            // replica's commit, then reads the head it stored. Under REPEATABLE READ or SERIALIZABLE that
            // wait ends in a serialization failure, i.e. every contended commit would fail.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            var head = await LockHeadAsync(connection, transaction, cancellationToken);

            // Blocks and head in one round trip: one statement per block (a fixed, auto-prepared text)
            // and the head's update, pipelined as one batch.
            await using var write = new NpgsqlBatch(connection, transaction);
            foreach (var block in batch.ChainFrom(head))
            {
                var insert = new NpgsqlBatchCommand(PostgresAuditSchema.InsertBlock);
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = block.FirstSequence });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = block.LastSequence });
                insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = block.Records, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
                write.BatchCommands.Add(insert);
            }

            var newHead = batch.NewHead;
            var update = new NpgsqlBatchCommand(PostgresAuditSchema.UpdateHead);
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newHead.Count!.Value });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newHead.Sequence!.Value });
            update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = newHead.Hash! });
            write.BatchCommands.Add(update);
            await write.ExecuteNonQueryAsync(cancellationToken);

            batch.Committing();
            // synchronous_commit = on (set on this session at open): returns once the WAL is flushed.
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // The connection may hold a failed transaction, or be gone: the next OpenAsync starts afresh.
            // A commit whose answer was lost may still have committed; its callers were told it failed,
            // which loses nothing acknowledged (the next batch continues from whatever head is stored).
            // No NpgsqlDataSource.Clear() here: when the server goes away Npgsql already clears the pool as
            // it breaks the connection (an I/O error, a timeout, a shutdown); clearing on every transient
            // error (a deadlock, a cancelled statement) would also drop the healthy idle connections of the
            // registry, which shares this data source when it shares the connection string.
            await CloseConnectionAsync();
            throw;
        }
    }

    private static async Task<AuditStoredHead> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostgresAuditSchema.LockHead, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The audit trail has no head row (audit.head).");
        }

        return new AuditStoredHead(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
    }

    /// <summary>
    /// Sets <c>synchronous_commit = on</c> for the writer's session unless it is already at least that
    /// strong: a server, database or role default of <c>off</c>, <c>local</c> or <c>remote_write</c>
    /// must never reach the audit trail's commits. Warns once when the server runs with <c>fsync = off</c>,
    /// which no session setting can make durable.
    /// </summary>
    private async Task ForceSynchronousCommitAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var show = new NpgsqlCommand("SELECT current_setting('synchronous_commit'), current_setting('fsync')", connection);
        string level, fsync;
        await using (var reader = await show.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (level, fsync) = (reader.GetString(0), reader.GetString(1));
        }

        if (level is not ("on" or "remote_apply"))
        {
            await using var set = new NpgsqlCommand("SET synchronous_commit = on", connection);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        if (fsync != "on" && !_checkedFsync)
        {
            LogFsyncOff(_logger, Location);
        }

        _checkedFsync = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL at {Location} runs with fsync = off: audit commits are not durable against a crash of its host, whatever synchronous_commit says.")]
    private static partial void LogFsyncOff(ILogger logger, string location);
}
