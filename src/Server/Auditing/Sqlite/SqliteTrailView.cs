using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>
/// A read view of an audit file: one connection, one read transaction (the head and the records from
/// the same snapshot, even while a writer appends), read through <see cref="SqliteTrailReader"/>.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite does its I/O synchronously whatever the method's name, so the view reads
/// synchronously and hands back completed tasks: no thread hop per record.
/// </remarks>
internal sealed class SqliteTrailView : IAuditTrailView
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _snapshot;
    private readonly SqliteTrailReader _reader;

    private SqliteTrailView(SqliteConnection connection, SqliteTransaction snapshot)
    {
        _connection = connection;
        _snapshot = snapshot;
        _reader = new SqliteTrailReader(connection, snapshot);
    }

    /// <summary>Opens a connection on <paramref name="connectionString"/> and a deferred read transaction on it.</summary>
    public static SqliteTrailView Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            return new SqliteTrailView(connection, connection.BeginTransaction(deferred: true));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public ValueTask<AuditStoredHead> ReadHeadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_reader.ReadHead());

    public IAsyncEnumerable<TrailEntry> ReadAfterAsync(long? afterSequence, CancellationToken cancellationToken) =>
        _reader.ReadAfter(afterSequence).ToAsyncEnumerable();

    public ValueTask<TrailEntry?> EntryAtAsync(long sequence, CancellationToken cancellationToken) => ValueTask.FromResult(_reader.EntryAt(sequence));

    public ValueTask<TrailEntry?> LastAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_reader.Last());

    public ValueTask DisposeAsync()
    {
        _snapshot.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
