using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>
/// The audit file's rows as records: a block row split into its records, a schema-1 row encoded as the
/// body it was hashed as. Checks only what it needs to parse; a row it cannot read becomes an entry with
/// the problem (the chain is the verifier's business).
/// </summary>
internal static class SqliteTrailRows
{
    /// <summary>Splits a block row into its records (see <see cref="AuditChain.ParseBlock"/>).</summary>
    public static List<TrailEntry> ParseBlock(SqliteDataReader reader) =>
        AuditChain.ParseBlock(reader.IsDBNull(0) ? null : reader.GetInt64(0),
            reader.IsDBNull(1) || reader.GetFieldType(1) != typeof(long) ? null : reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetValue(2) as byte[]);

    private static TrailEntry Malformed(long sequence, string problem) => AuditChain.Malformed(sequence, problem);

    /// <summary>A schema-1 row as an entry: its columns encoded as the body they were hashed as.</summary>
    public static TrailEntry LegacyEntry(SqliteDataReader row)
    {
        var sequence = row.GetInt64(0);
        var time = Integer(row, 1);
        var callerId = Text(row, 2);
        var deviceId = Text(row, 3);
        var method = Text(row, 4);
        var subject = Text(row, 5);
        var purpose = Integer(row, 6);
        var result = Text(row, 7);
        var source = Integer(row, 8);
        var prevHash = row.GetValue(9) as byte[];
        var hash = row.GetValue(10) as byte[];
        if (time is null || callerId is null || deviceId is null || method is null || subject is null || purpose is null
            || result is null || source is null || prevHash is not { Length: AuditChain.HashSize } || hash is not { Length: AuditChain.HashSize }
            || purpose is < int.MinValue or > int.MaxValue || source is < int.MinValue or > int.MaxValue)
        {
            return Malformed(sequence, $"record seq {sequence} was altered: a field has the wrong type or is missing");
        }

        var body = new byte[AuditChain.MaxBodyBytes(callerId, deviceId, method, subject, result)];
        var length = AuditChain.EncodeBody(body, sequence, time.Value, callerId, deviceId, method, subject, (int)purpose.Value, result, (int)source.Value);
        return new TrailEntry(sequence, body.AsMemory(0, length), hash, prevHash);
    }

    public static string? Text(SqliteDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && reader.GetFieldType(ordinal) == typeof(string) ? reader.GetString(ordinal) : null;

    public static long? Integer(SqliteDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && reader.GetFieldType(ordinal) == typeof(long) ? reader.GetInt64(ordinal) : null;
}
