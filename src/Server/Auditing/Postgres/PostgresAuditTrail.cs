using ELicense.Server.Postgres;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// The trail in a PostgreSQL database, opened for reading only (<c>audit verify</c>, the chain verifier):
/// never creates or migrates anything. Disposing it disposes the data source when it owns it (a one-shot
/// command's own, from <see cref="PostgresDataSources.Build"/>).
/// </summary>
internal sealed class PostgresAuditTrail(NpgsqlDataSource dataSource, bool ownsDataSource) : IAuditTrailSource, IAsyncDisposable
{
    /// <summary><c>postgres://host:port/database</c>: never the user or the password.</summary>
    public string Location { get; } = PostgresTarget.Describe(dataSource.ConnectionString);

    public async ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken) =>
        await PostgresTrailView.OpenAsync(dataSource, Location, cancellationToken);

    public bool IsStorageError(Exception error) => IsPostgresError(error);

    /// <summary>
    /// PostgreSQL's errors and the connection's: tables missing or altered (not an audit database, a
    /// damaged one), no permission, no server. <c>audit verify</c> reports them as unreadable.
    /// </summary>
    internal static bool IsPostgresError(Exception error) => PostgresErrors.IsPostgresFailure(error);

    public async ValueTask DisposeAsync()
    {
        if (ownsDataSource)
        {
            await dataSource.DisposeAsync();
        }
    }
}
