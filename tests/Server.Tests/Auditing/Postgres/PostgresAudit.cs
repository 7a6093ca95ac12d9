using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Postgres;
using ELicense.Server.Internal;
using ELicense.Server.Postgres;
using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>
/// A fresh database on the class's throwaway cluster for one test, with its data source: what the
/// PostgreSQL audit tests open sinks, writers and trails on. Disposed with the test.
/// </summary>
internal sealed class PostgresAudit : IAsyncDisposable
{
    private PostgresAudit(PostgresFixture postgres, string connectionString)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
        DataSource = PostgresDataSources.Build(connectionString);
    }

    public PostgresFixture Postgres { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresAudit> CreateAsync(PostgresFixture postgres) =>
        new(postgres, await postgres.Cluster.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));

    /// <summary>A new sink on the database, not opened.</summary>
    public PostgresAuditSink Sink() => new(DataSource, NullLogger.Instance);

    /// <summary>The trail read only, as <c>audit verify</c> reads it (a data source of its own).</summary>
    public PostgresAuditTrail Trail() => new(PostgresDataSources.Build(ConnectionString), ownsDataSource: true);

    public AuditOptions Options(int maxBatch = 512) => new()
    {
        Provider = StorageProvider.Postgres,
        ConnectionString = ConnectionString,
        SubjectKey = Convert.ToBase64String(new byte[AuditOptions.SubjectKeyBytes]),
        MaxBatch = maxBatch,
    };

    /// <summary>Runs SQL on the database directly (tampering, settings), outside any sink.</summary>
    public Task ExecuteAsync(string sql) => ELicense.Testing.PostgresCluster.ExecuteAsync(ConnectionString, sql, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
