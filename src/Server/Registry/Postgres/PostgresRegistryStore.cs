using System.Data;
using ELicense.Server.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// The registry in a PostgreSQL database (<c>registry.*</c>, see <see cref="PostgresRegistrySchema"/>), shared
/// by every replica. Same storage conventions and row readers as the SQLite engine (<see cref="RegistryRows"/>).
/// </summary>
/// <remarks>
/// <para>Every call is asynchronous on Npgsql, on the one <see cref="NpgsqlDataSource"/> of the configured
/// connection string; SQL texts are constant and positional (<c>$1</c>...), so the data source's automatic
/// preparation turns the hot ones into server-side prepared statements per physical connection.</para>
/// <para>A write is one READ COMMITTED transaction: it locks the rows it decides on (<c>FOR UPDATE</c>),
/// writes, collects its change-feed entries, and only as its LAST step before the commit takes their
/// sequence numbers from the counter row (<see cref="SequenceAsync"/>). Writers thus run concurrently
/// except for that step, and numbers are handed out in commit order (the ordering guarantee of
/// <see cref="IRegistryStore"/>).</para>
/// </remarks>
public sealed partial class PostgresRegistryStore : IRegistryStore
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _timeProvider;

    public PostgresRegistryStore(IOptions<RegistryOptions> options, PostgresDataSources dataSources, TimeProvider timeProvider)
        : this(dataSources.For(ConnectionStringOf(options.Value)), timeProvider)
    {
    }

    /// <summary>A store on <paramref name="source"/> (owned by the caller): tests, as another server process would open it.</summary>
    internal PostgresRegistryStore(NpgsqlDataSource source, TimeProvider timeProvider)
    {
        _source = source;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Test hook: runs inside every write transaction after its rows are written and before its change
    /// sequences are taken, so a test can hold one write open across another's commit.
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeSequencing { get; set; }

    /// <summary>Test hook: runs after the sequences and the notification, just before the commit.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        PostgresMigrator.MigrateAsync(_source, PostgresRegistrySchema.Name, PostgresRegistrySchema.Migrations, cancellationToken);

    private static string ConnectionStringOf(RegistryOptions options)
    {
        var errors = options.Validate();
        if (errors.Count == 0 && options.Provider != Internal.StorageProvider.Postgres)
        {
            errors = [$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.Provider)} must be Postgres for the PostgreSQL registry."];
        }

        return errors.Count == 0
            ? options.ConnectionString!
            : throw new OptionsValidationException(RegistryOptions.SectionName, typeof(RegistryOptions), errors);
    }

    /// <summary>A read outside any transaction: the data source opens a connection for it and takes it back with the reader.</summary>
    private NpgsqlCommand Read(string sql) => _source.CreateCommand(sql);

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction, then takes the sequences of the
    /// changes it collected and commits. A null value means "nothing to write": the transaction rolls back.
    /// </summary>
    private async Task<WriteResult<T>?> WriteAsync<T>(Func<PostgresRegistryWrite, CancellationToken, Task<T?>> work, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var write = new PostgresRegistryWrite(connection, transaction, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var value = await work(write, cancellationToken);
        if (value is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        if (BeforeSequencing is { } beforeSequencing)
        {
            await beforeSequencing(cancellationToken);
        }

        var changes = await SequenceAsync(write, cancellationToken);
        if (BeforeCommit is { } beforeCommit)
        {
            await beforeCommit(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new WriteResult<T>(value, changes);
    }

    /// <summary>A write that always stores something (an upsert, a recorded violation).</summary>
    private async Task<WriteResult<T>> WriteAlwaysAsync<T>(Func<PostgresRegistryWrite, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        where T : class =>
        (await WriteAsync<T>(async (write, ct) => await work(write, ct), cancellationToken))!;
}
