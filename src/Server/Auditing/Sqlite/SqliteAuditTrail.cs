using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>An audit file opened for reading only (<c>audit verify</c>, the chain verifier).</summary>
internal sealed class SqliteAuditTrail : IAuditTrailSource
{
    private readonly string _connectionString;

    public SqliteAuditTrail(string path)
    {
        Location = Path.GetFullPath(path);
        // Read-only and unpooled: the checker never writes, and leaves no handle open on the file it checked.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
    }

    /// <summary>The full path of the file.</summary>
    public string Location { get; }

    public ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Location))
        {
            throw new FileNotFoundException($"There is no audit file at {Location}.", Location);
        }

        return ValueTask.FromResult<IAuditTrailView>(SqliteTrailView.Open(_connectionString));
    }

    public bool IsStorageError(Exception error) => IsSqliteError(error);

    /// <summary>The SQLite engine's errors: a file that is not an audit database, or a damaged one.</summary>
    internal static bool IsSqliteError(Exception error) => error is SqliteException;
}
