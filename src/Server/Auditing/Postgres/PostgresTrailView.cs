using System.Data;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// A read view of the trail on PostgreSQL: one connection, one <c>REPEATABLE READ READ ONLY</c>
/// transaction, so that the head and every record come from one snapshot even while replicas append.
/// </summary>
internal sealed class PostgresTrailView : IAuditTrailView
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _snapshot;
    private readonly PostgresTrailReader _reader;

    private PostgresTrailView(NpgsqlConnection connection, NpgsqlTransaction snapshot)
    {
        _connection = connection;
        _snapshot = snapshot;
        _reader = new PostgresTrailReader(connection, snapshot);
    }

    /// <summary>
    /// Opens a connection and a read-only snapshot on it. Throws <see cref="FileNotFoundException"/>
    /// when the database holds no audit trail (no <c>audit.head</c>): the engine's "no trail there".
    /// </summary>
    public static async ValueTask<PostgresTrailView> OpenAsync(NpgsqlDataSource dataSource, string location, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var snapshot = await OpenSnapshotAsync(connection, cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('audit.head') IS NOT NULL", connection, snapshot);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new FileNotFoundException($"There is no audit trail in {location} (no {PostgresAuditSchema.Name} schema).", location);
            }

            return new PostgresTrailView(connection, snapshot);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A repeatable-read, read-only transaction on <paramref name="connection"/>: its snapshot is taken
    /// at its first query, and every later query of it sees the same committed state.
    /// </summary>
    public static async ValueTask<NpgsqlTransaction> OpenSnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, snapshot);
        await readOnly.ExecuteNonQueryAsync(cancellationToken);
        return snapshot;
    }

    public ValueTask<AuditStoredHead> ReadHeadAsync(CancellationToken cancellationToken) => _reader.ReadHeadAsync(cancellationToken);

    public IAsyncEnumerable<TrailEntry> ReadAfterAsync(long? afterSequence, CancellationToken cancellationToken) =>
        _reader.ReadAfterAsync(afterSequence, cancellationToken);

    public ValueTask<TrailEntry?> EntryAtAsync(long sequence, CancellationToken cancellationToken) => _reader.EntryAtAsync(sequence, cancellationToken);

    public ValueTask<TrailEntry?> LastAsync(CancellationToken cancellationToken) => _reader.LastAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _snapshot.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
