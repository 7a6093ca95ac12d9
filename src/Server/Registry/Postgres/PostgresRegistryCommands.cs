using ELicense.V1;
using Npgsql;
using NpgsqlTypes;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// Positional parameters (<c>$1</c>, <c>$2</c>... in the order added), always typed — a null too — so that a
/// statement's parameter types never change and its prepared form is reused; and reading one row.
/// </summary>
internal static class PostgresRegistryCommands
{
    public static NpgsqlCommand Arg(this NpgsqlCommand command, string value)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return command;
    }

    public static NpgsqlCommand Arg(this NpgsqlCommand command, int value)
    {
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = value });
        return command;
    }

    public static NpgsqlCommand Arg(this NpgsqlCommand command, long value)
    {
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = value });
        return command;
    }

    /// <summary>A nullable integer (a date that may be unset).</summary>
    public static NpgsqlCommand ArgOrNull(this NpgsqlCommand command, int? value)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } v ? v : DBNull.Value });
        return command;
    }

    /// <summary>A nullable text (a licence number or request id that may be absent).</summary>
    public static NpgsqlCommand ArgOrNull(this NpgsqlCommand command, string? value)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value });
        return command;
    }

    public static async Task<License?> ReadLicenseAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLicense(reader) : null;
    }

    public static async Task<Violation?> ReadViolationAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadViolation(reader, out _) : null;
    }

    public static async Task<VehicleRecord?> ReadVehicleRecordAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new VehicleRecord(ReadVehicle(reader), ReadSummary(reader, 10)) : null;
    }
}
