namespace ELicense.Server.Internal;

/// <summary>
/// Which storage engine holds a part of the server's state (<c>Registry:Provider</c>, <c>Audit:Provider</c>).
/// The names are the operator contract: other tools write them into configuration.
/// </summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file in WAL mode: zero set-up, but every process sharing it must run on one host.</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL database reached through an Npgsql connection string: replicas on many hosts.</summary>
    Postgres = 1,
}
