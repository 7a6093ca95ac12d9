using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>Reading one row of a command (the shared column lists and readers are <see cref="RegistryRows"/>).</summary>
internal static class SqliteRows
{
    public static async Task<VehicleRecord?> ReadVehicleRecordAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new VehicleRecord(ReadVehicle(reader), ReadSummary(reader, 10));
    }

    public static async Task<License?> ReadLicenseAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLicense(reader) : null;
    }

    public static async Task<Violation?> ReadViolationAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadViolation(reader, out _) : null;
    }
}
