using ELicense.V1;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// One write transaction of <see cref="PostgresRegistryStore"/>: its connection and transaction, the instant
/// it stamps, and the change-feed entries it has collected (numbered only when it is about to commit).
/// </summary>
internal sealed class PostgresRegistryWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, long now)
{
    private readonly List<(ChangeKind Kind, string Key)> _changes = new(4);

    /// <summary>The write's instant, Unix milliseconds (update_unix_ms, change_unix_ms).</summary>
    public long Now { get; } = now;

    /// <summary>The changes collected so far, in the order they were added.</summary>
    public IReadOnlyList<(ChangeKind Kind, string Key)> Changes => _changes;

    /// <summary>A command in this transaction (dispose it).</summary>
    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    /// <summary>The record named by (kind, key) changes with this write.</summary>
    public void Changed(ChangeKind kind, string key) => _changes.Add((kind, key));

    /// <summary>A plate's change.</summary>
    public void PlateChanged(Plate plate) => Changed(ChangeKind.VehiclePlate, RegistryKeys.Plate(plate));
}
