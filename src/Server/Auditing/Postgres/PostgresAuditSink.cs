using ELicense.Server.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// The audit trail in a PostgreSQL database (<see cref="AuditOptions.ConnectionString"/>), in its own
/// schema (<see cref="PostgresAuditSchema"/>), with the subject index beside it
/// (<see cref="PostgresSubjectIndex"/>). The writer above it (<see cref="AuditWriter"/>) is engine-neutral.
/// </summary>
/// <remarks>
/// <para>
/// Durability: the writer's connection runs with <c>synchronous_commit = on</c>, set on the session
/// whatever the server, database or role says (a weaker default, <c>off</c> or <c>local</c>, would let
/// a commit return before its WAL is flushed, and a crash lose acknowledged records). A stronger
/// configured level (<c>remote_apply</c>) is kept. So an append returns only once its commit is durable.
/// </para>
/// <para>
/// Replicas: each append locks the one head row (<c>FOR UPDATE</c>), continues the chain from it and
/// advances it once for the whole group commit. Writers on several replicas therefore take turns per
/// batch, never per record: while one commits, the others' records gather into their next batch.
/// </para>
/// </remarks>
public sealed partial class PostgresAuditSink : IAuditSink
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly PostgresSubjectIndex _subjectIndex;
    private NpgsqlConnection? _connection;
    private bool _checkedFsync;
    private int _disposed;

    public PostgresAuditSink(IOptions<AuditOptions> options, PostgresDataSources dataSources, ILogger<PostgresAuditSink> logger)
        : this(dataSources.For(options.Value.ConnectionString
            ?? throw new InvalidOperationException($"{AuditOptions.SectionName}:{nameof(AuditOptions.ConnectionString)} is not set.")), logger)
    {
    }

    /// <summary>A sink on <paramref name="dataSource"/>, which the caller owns (and disposes after the sink).</summary>
    internal PostgresAuditSink(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        Location = PostgresTarget.Describe(dataSource.ConnectionString);
        _subjectIndex = new PostgresSubjectIndex(dataSource, Location, logger);
    }

    /// <summary><c>postgres://host:port/database</c>: never the user or the password.</summary>
    public string Location { get; }

    public IAuditSubjectIndex SubjectIndex => _subjectIndex;

    /// <summary>Opens a writer over a PostgreSQL sink on <paramref name="dataSource"/> and starts it (tools, tests, benchmarks).</summary>
    internal static Task<AuditWriter> OpenWriterAsync(NpgsqlDataSource dataSource, AuditOptions options, ILogger logger,
        CancellationToken cancellationToken, byte[]? subjectKeyFingerprint = null) =>
        AuditWriter.OpenAsync(new PostgresAuditSink(dataSource, logger), options, logger, cancellationToken, subjectKeyFingerprint);

    public async ValueTask<byte[]?> OpenAsync(byte[]? subjectKeyFingerprint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await CloseConnectionAsync();
        await PostgresAuditSchema.MigrateAsync(_dataSource, cancellationToken);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await ForceSynchronousCommitAsync(connection, cancellationToken);
            byte[]? stored = null;
            if (subjectKeyFingerprint is not null)
            {
                // Atomic under concurrent starts: the first insert wins, every opener reads the winner's.
                await using var claim = new NpgsqlCommand(PostgresAuditSchema.ClaimSubjectKey, connection);
                claim.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = subjectKeyFingerprint });
                await claim.ExecuteNonQueryAsync(cancellationToken);
                await using var read = new NpgsqlCommand(PostgresAuditSchema.SelectSubjectKey, connection);
                stored = (byte[]?)await read.ExecuteScalarAsync(cancellationToken);
            }

            _connection = connection;
            return stored;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The writer connection's <c>synchronous_commit</c> as the server reports it (tests check it survives weaker defaults).</summary>
    internal async Task<string?> WriterSettingAsync(string name, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The audit sink is not open.");
        await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return await PostgresTrailView.OpenAsync(_dataSource, Location, cancellationToken);
    }

    public bool IsStorageError(Exception error) => PostgresAuditTrail.IsPostgresError(error);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseConnectionAsync();
    }

    private async ValueTask CloseConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}
