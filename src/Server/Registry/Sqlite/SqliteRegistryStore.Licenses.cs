using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;
using static ELicense.Server.Registry.Sqlite.SqliteRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>The licence table: reads with their unprocessed totals, upserts, status changes.</summary>
public sealed partial class SqliteRegistryStore
{
    // The unprocessed totals are an uncorrelated one-row subquery, answered from a covering partial index.
    private const string SelectLicenseWithSummary = $"""
        SELECT {LicenseColumns}, s.c, s.p, s.f
        FROM licenses,
             (SELECT count(*) AS c, coalesce(sum(points), 0) AS p, coalesce(sum(fine_yuan), 0) AS f
              FROM violations WHERE license_number = $number AND state = 1) AS s
        WHERE license_number = $number
        """;

    private const string SelectLicense = $"SELECT {LicenseColumns} FROM licenses WHERE license_number = $number";

    private const string SelectLicenseExists = "SELECT 1 FROM licenses WHERE license_number = $number";

    private const string UpsertLicenseSql = """
        INSERT INTO licenses (license_number, file_number, holder_name, license_class, status, first_issue_date,
                              valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms)
        VALUES ($number, $file, $holder, $class, $status, $first, $from, $until, $points, $authority, $now)
        ON CONFLICT (license_number) DO UPDATE SET
            file_number = excluded.file_number, holder_name = excluded.holder_name,
            license_class = excluded.license_class, status = excluded.status,
            first_issue_date = excluded.first_issue_date, valid_from_date = excluded.valid_from_date,
            valid_until_date = excluded.valid_until_date, points = excluded.points,
            issuing_authority = excluded.issuing_authority, update_unix_ms = excluded.update_unix_ms
        """;

    private const string UpdateLicenseStatusSql = $"""
        UPDATE licenses SET status = $status, update_unix_ms = $now WHERE license_number = $number
        RETURNING {LicenseColumns}
        """;

    private const string UpdateLicensePointsSql = $"""
        UPDATE licenses SET points = $points, status = $status, update_unix_ms = $now WHERE license_number = $number
        RETURNING {LicenseColumns}
        """;

    public Task<LicenseRecord?> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) =>
        WithSessionAsync<LicenseRecord?>(async (session, ct) =>
        {
            var command = session.Command(SelectLicenseWithSummary);
            command.Bind("$number", licenseNumber);
            using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return new LicenseRecord(ReadLicense(reader), ReadSummary(reader, 11));
        }, cancellationToken);

    public Task<WriteResult<License>> UpsertLicenseAsync(License license, CancellationToken cancellationToken) =>
        WriteAsync(async (session, transaction, now, ct) =>
        {
            var command = session.Command(UpsertLicenseSql, transaction)
                .Bind("$number", license.LicenseNumber)
                .Bind("$file", license.FileNumber)
                .Bind("$holder", license.HolderName)
                .Bind("$class", license.LicenseClass)
                .Bind("$status", (int)license.Status)
                .Bind("$first", RegistryMapping.ToDateInt(license.FirstIssueDate))
                .Bind("$from", RegistryMapping.ToDateInt(license.ValidFromDate))
                .Bind("$until", RegistryMapping.ToDateInt(license.ValidUntilDate))
                .Bind("$points", license.Points)
                .Bind("$authority", license.IssuingAuthority)
                .Bind("$now", now);
            await command.ExecuteNonQueryAsync(ct);

            var stored = license.Clone();
            stored.UpdateTime = RegistryMapping.FromUnixMs(now);
            var changes = new List<RegistryChange>(1);
            await AddChangeAsync(session, transaction, changes, ChangeKind.License, license.LicenseNumber, now, ct);
            return new WriteResult<License>(stored, changes);
        }, cancellationToken);

    public Task<WriteResult<License>?> UpdateLicenseStatusAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken) =>
        WriteAsync<WriteResult<License>?>(async (session, transaction, now, ct) =>
        {
            var command = session.Command(UpdateLicenseStatusSql, transaction)
                .Bind("$status", (int)status).Bind("$now", now).Bind("$number", licenseNumber);
            License license;
            using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    return null;
                }

                license = ReadLicense(reader);
            }

            var changes = new List<RegistryChange>(1);
            await AddChangeAsync(session, transaction, changes, ChangeKind.License, licenseNumber, now, ct);
            return new WriteResult<License>(license, changes);
        }, cancellationToken);
}
