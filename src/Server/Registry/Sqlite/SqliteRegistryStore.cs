using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// The registry in an embedded SQLite file (WAL mode, so that readers never wait for the writer and
/// several server processes can share one file). Every write runs in one <c>BEGIN IMMEDIATE</c>
/// transaction that also appends to the change feed.
/// </summary>
/// <remarks>
/// Connections are kept open in a small pool of sessions, each with its own prepared statements, so a
/// hot read is one bind and one step. A session that saw an unexpected error is discarded, not reused.
/// Lock contention surfaces as a <see cref="SqliteException"/> with SQLITE_BUSY or SQLITE_LOCKED after
/// <see cref="RegistryOptions.BusyTimeoutMs"/>; <see cref="SqliteErrorClassifier"/> calls it transient.
/// </remarks>
public sealed partial class SqliteRegistryStore : IRegistryStore, IDisposable
{
    private const int MaxIdleSessions = 64;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentQueue<SqliteSession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteRegistryStore(IOptions<RegistryOptions> options, TimeProvider timeProvider)
    {
        var value = options.Value;
        var errors = value.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(RegistryOptions.SectionName, typeof(RegistryOptions), errors);
        }

        _path = Path.GetFullPath(value.Path);
        _busyTimeoutMs = value.BusyTimeoutMs;
        _timeProvider = timeProvider;
        _connectionString = BuildConnectionString(_path, value.BusyTimeoutMs);
    }

    /// <summary>The connection string used for a registry file (no ADO.NET pooling: the store pools sessions).</summary>
    internal static string BuildConnectionString(string path, int busyTimeoutMs) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = false,
        // Microsoft.Data.Sqlite retries BUSY on its own until the command timeout; keep it in line with
        // the busy timeout so that contention surfaces after about BusyTimeoutMs, not 30 s.
        DefaultTimeout = Math.Max(1, (busyTimeoutMs + 999) / 1000),
    }.ToString();

    /// <summary>Test hook: runs inside every write transaction after its rows and changes are written, before the commit.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var session = await RentAsync(cancellationToken);
        var reusable = false;
        try
        {
            using (var transaction = session.Connection.BeginTransaction(deferred: false))
            {
                // Tables, then the upgrade (an old file's tables lack new columns), then the indexes that may name them.
                await ExecuteAsync(session.Connection, SqliteRegistrySchema.Tables + SqliteRegistrySchema.SchemaVersionRow, cancellationToken, transaction);
                await SqliteRegistryUpgrade.ApplyAsync(session.Connection, transaction, cancellationToken);
                await ExecuteAsync(session.Connection, SqliteRegistrySchema.Indexes, cancellationToken, transaction);
                await transaction.CommitAsync(cancellationToken);
            }

            // Persistent in the file; waits on the busy timeout if another process holds a lock. Only after the
            // schema check, so a file a newer build wrote is refused untouched (not switched to WAL on the way out).
            await ExecuteAsync(session.Connection, "PRAGMA journal_mode = WAL;", cancellationToken);

            reusable = true;
        }
        finally
        {
            Return(session, reusable);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    // ---- sessions ----

    private async Task<T> WithSessionAsync<T>(Func<SqliteSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var session = await RentAsync(cancellationToken);
        var reusable = false;
        try
        {
            var result = await work(session, cancellationToken);
            reusable = true;
            return result;
        }
        catch (RegistryRuleException)
        {
            // An expected refusal: the transaction was rolled back and the session is fine.
            reusable = true;
            throw;
        }
        finally
        {
            Return(session, reusable);
        }
    }

    private Task<T> WriteAsync<T>(Func<SqliteSession, SqliteTransaction, long, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) =>
        {
            // BEGIN IMMEDIATE: take the write lock up front (waiting on the busy timeout), so that a
            // read-then-write never fails half way on a lock upgrade.
            using var transaction = session.Connection.BeginTransaction(deferred: false);
            var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var result = await work(session, transaction, now, ct);
            if (BeforeCommit is { } beforeCommit)
            {
                await beforeCommit(ct);
            }

            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);

    private async ValueTask<SqliteSession> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection,
                $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;",
                cancellationToken);
            return new SqliteSession(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Return(SqliteSession session, bool reusable)
    {
        if (reusable && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdleSessions)
            {
                _idle.Enqueue(session);
                if (_disposed)
                {
                    DrainIdle();
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        session.Dispose();
    }

    private void DrainIdle()
    {
        while (_idle.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
