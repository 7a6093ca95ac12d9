using ELicense.V1;
using static ELicense.Server.Registry.Postgres.PostgresRegistryCommands;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The licence table: reads with their unprocessed totals, upserts, status changes.</summary>
public sealed partial class PostgresRegistryStore
{
    // The unprocessed totals are an uncorrelated one-row subquery, answered from a covering partial index.
    private const string SelectLicenseWithSummary = $"""
        SELECT {LicenseColumns}, s.c, s.p, s.f
        FROM registry.licenses,
             (SELECT count(*)::integer AS c, coalesce(sum(points), 0)::integer AS p, coalesce(sum(fine_yuan), 0)::bigint AS f
              FROM registry.violations WHERE license_number = $1 AND state = 1) AS s
        WHERE license_number = $1
        """;

    // Locked: a resolution decides the licence's new points on this row, which must not change before its commit.
    private const string SelectLicenseForUpdate = $"SELECT {LicenseColumns} FROM registry.licenses WHERE license_number = $1 FOR UPDATE";

    private const string SelectLicenseExists = "SELECT 1 FROM registry.licenses WHERE license_number = $1";

    private const string UpsertLicenseSql = """
        INSERT INTO registry.licenses (license_number, file_number, holder_name, license_class, status, first_issue_date,
                                       valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (license_number) DO UPDATE SET
            file_number = excluded.file_number, holder_name = excluded.holder_name,
            license_class = excluded.license_class, status = excluded.status,
            first_issue_date = excluded.first_issue_date, valid_from_date = excluded.valid_from_date,
            valid_until_date = excluded.valid_until_date, points = excluded.points,
            issuing_authority = excluded.issuing_authority, update_unix_ms = excluded.update_unix_ms
        """;

    private const string UpdateLicenseStatusSql = $"""
        UPDATE registry.licenses SET status = $1, update_unix_ms = $2 WHERE license_number = $3
        RETURNING {LicenseColumns}
        """;

    private const string UpdateLicensePointsSql = $"""
        UPDATE registry.licenses SET points = $1, status = $2, update_unix_ms = $3 WHERE license_number = $4
        RETURNING {LicenseColumns}
        """;

    private async Task<LicenseRecord?> GetLicenseCoreAsync(string licenseNumber, CancellationToken cancellationToken)
    {
        await using var command = Read(SelectLicenseWithSummary).Arg(licenseNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LicenseRecord(ReadLicense(reader), ReadSummary(reader, 11)) : null;
    }

    private Task<WriteResult<License>> UpsertLicenseCoreAsync(License license, CancellationToken cancellationToken) =>
        WriteAlwaysAsync(async (write, ct) =>
        {
            await using (var command = write.Command(UpsertLicenseSql)
                .Arg(license.LicenseNumber)
                .Arg(license.FileNumber)
                .Arg(license.HolderName)
                .Arg(license.LicenseClass)
                .Arg((int)license.Status)
                .ArgOrNull(RegistryMapping.ToDateInt(license.FirstIssueDate))
                .ArgOrNull(RegistryMapping.ToDateInt(license.ValidFromDate))
                .ArgOrNull(RegistryMapping.ToDateInt(license.ValidUntilDate))
                .Arg(license.Points)
                .Arg(license.IssuingAuthority)
                .Arg(write.Now))
            {
                await command.ExecuteNonQueryAsync(ct);
            }

            var stored = license.Clone();
            stored.UpdateTime = RegistryMapping.FromUnixMs(write.Now);
            write.Changed(ChangeKind.License, license.LicenseNumber);
            return stored;
        }, cancellationToken);

    private Task<WriteResult<License>?> UpdateLicenseStatusCoreAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken) =>
        WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command(UpdateLicenseStatusSql).Arg((int)status).Arg(write.Now).Arg(licenseNumber);
            var license = await ReadLicenseAsync(command, ct);
            if (license is not null)
            {
                write.Changed(ChangeKind.License, licenseNumber);
            }

            return license;
        }, cancellationToken);
}
