using ELicense.Core.Identifiers;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;
using static ELicense.Server.Registry.Sqlite.SqliteRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>The violation table: keyset pages with totals, recording (idempotent by request id); resolution is in its own part.</summary>
public sealed partial class SqliteRegistryStore
{
    private const string SummaryByLicense = """
        SELECT count(*), coalesce(sum(points), 0), coalesce(sum(fine_yuan), 0)
        FROM violations WHERE license_number = $number AND state = 1
        """;

    private const string SummaryByPlate = """
        SELECT count(*), coalesce(sum(points), 0), coalesce(sum(fine_yuan), 0)
        FROM violations WHERE plate_type = $type AND plate_number = $number AND state = 1
        """;

    private const string PageByLicense = $"""
        SELECT {ViolationColumns} FROM violations
        WHERE license_number = $number AND (occur_unix_ms, id) < ($occur, $id)
        ORDER BY occur_unix_ms DESC, id DESC LIMIT $limit
        """;

    private const string PageByLicenseUnprocessed = $"""
        SELECT {ViolationColumns} FROM violations
        WHERE license_number = $number AND state = 1 AND (occur_unix_ms, id) < ($occur, $id)
        ORDER BY occur_unix_ms DESC, id DESC LIMIT $limit
        """;

    private const string PageByPlate = $"""
        SELECT {ViolationColumns} FROM violations
        WHERE plate_type = $type AND plate_number = $number AND (occur_unix_ms, id) < ($occur, $id)
        ORDER BY occur_unix_ms DESC, id DESC LIMIT $limit
        """;

    private const string PageByPlateUnprocessed = $"""
        SELECT {ViolationColumns} FROM violations
        WHERE plate_type = $type AND plate_number = $number AND state = 1 AND (occur_unix_ms, id) < ($occur, $id)
        ORDER BY occur_unix_ms DESC, id DESC LIMIT $limit
        """;

    private const string SelectViolationById = $"SELECT {ViolationColumns} FROM violations WHERE id = $id";

    private const string SelectViolationByRequestId = $"SELECT {ViolationColumns} FROM violations WHERE request_id = $request";

    private const string InsertViolationSql = """
        INSERT INTO violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                license_number, state, source, request_id)
        VALUES ($occur, $place, $code, $description, $points, $fine, $type, $number, $license, $state, $source, $request)
        RETURNING id
        """;

    private const string UpdateViolationSql = "UPDATE violations SET state = $state, license_number = $license WHERE id = $id";

    public Task<ViolationPage> ListViolationsAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken)
    {
        if ((query.LicenseNumber is null) == (query.Plate is null))
        {
            throw new ArgumentException("Exactly one of LicenseNumber and Plate must be given.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        return WithSessionAsync(async (session, ct) =>
        {
            // One snapshot for the page and the totals.
            using var transaction = session.Connection.BeginTransaction(deferred: true);
            SqliteCommand summary;
            SqliteCommand page;
            if (query.LicenseNumber is { } number)
            {
                summary = session.Command(SummaryByLicense, transaction).Bind("$number", number);
                page = session.Command(query.UnprocessedOnly ? PageByLicenseUnprocessed : PageByLicense, transaction)
                    .Bind("$number", number);
            }
            else
            {
                var plate = query.Plate!;
                summary = session.Command(SummaryByPlate, transaction).Bind("$type", (int)plate.Type).Bind("$number", plate.Number);
                page = session.Command(query.UnprocessedOnly ? PageByPlateUnprocessed : PageByPlate, transaction)
                    .Bind("$type", (int)plate.Type).Bind("$number", plate.Number);
            }

            page.Bind("$occur", after?.OccurUnixMs ?? long.MaxValue)
                .Bind("$id", after?.RowId ?? long.MaxValue)
                .Bind("$limit", (long)limit + 1);

            var violations = new List<Violation>(Math.Min(limit + 1, 128));
            ViolationCursor? next = null;
            long lastRowId = 0;
            using (var reader = await page.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (violations.Count == limit)
                    {
                        var last = violations[^1];
                        next = new ViolationCursor(RegistryMapping.ToUnixMs(last.OccurTime), lastRowId);
                        break;
                    }

                    violations.Add(ReadViolation(reader, out lastRowId));
                }
            }

            ViolationSummary totals;
            using (var reader = await summary.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                totals = ReadSummary(reader, 0);
            }

            await transaction.CommitAsync(ct);
            return new ViolationPage(violations, next, totals);
        }, cancellationToken);
    }

    public Task<WriteResult<Violation>> RecordViolationAsync(Violation violation, string requestId, CancellationToken cancellationToken)
    {
        if (violation.Plate is null)
        {
            throw new ArgumentException("A violation needs a plate.", nameof(violation));
        }

        if (violation.OccurTime is null)
        {
            throw new ArgumentException("A violation needs an occur time.", nameof(violation));
        }

        return WriteAsync(async (session, transaction, now, ct) =>
        {
            if (!string.IsNullOrEmpty(requestId))
            {
                var existing = await ReadViolationAsync(
                    session.Command(SelectViolationByRequestId, transaction).Bind("$request", requestId), ct);
                if (existing is not null)
                {
                    return new WriteResult<Violation>(existing, []);
                }
            }

            var stored = violation.Clone();
            if (stored.State == ViolationState.Unspecified)
            {
                stored.State = ViolationState.Unprocessed;
            }

            var licenseNumber = string.IsNullOrEmpty(stored.LicenseNumber) ? null : stored.LicenseNumber;
            if (licenseNumber is not null)
            {
                // Attributed to a licence that is not in the registry, it would never reach anyone's record
                // (nor its points, when processed) and would show to whoever is later issued that number.
                _ = await session.Command(SelectLicenseExists, transaction).Bind("$number", licenseNumber).ExecuteScalarAsync(ct)
                    ?? throw new RegistryRuleException(RegistryRuleReasons.LicenseNotFound,
                        $"Licence {IdentityNumber.Mask(licenseNumber)} not found; a violation can only be attributed to a licence in the registry.");
            }

            var insert = session.Command(InsertViolationSql, transaction)
                .Bind("$occur", RegistryMapping.ToUnixMs(stored.OccurTime))
                .Bind("$place", stored.Place)
                .Bind("$code", stored.Code)
                .Bind("$description", stored.Description)
                .Bind("$points", stored.Points)
                .Bind("$fine", stored.FineYuan)
                .Bind("$type", (int)stored.Plate.Type)
                .Bind("$number", stored.Plate.Number)
                .Bind("$license", licenseNumber)
                .Bind("$state", (int)stored.State)
                .Bind("$source", (int)stored.Source)
                .Bind("$request", string.IsNullOrEmpty(requestId) ? null : requestId);
            var rowId = (long)(await insert.ExecuteScalarAsync(ct))!;
            stored.ViolationId = RegistryMapping.FormatViolationId(rowId);
            stored.OccurTime = RegistryMapping.FromUnixMs(RegistryMapping.ToUnixMs(stored.OccurTime));

            var changes = new List<RegistryChange>(3);
            await AddPlateChangesAsync(session, transaction, changes, stored.Plate, now, ct);
            if (licenseNumber is not null)
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.License, licenseNumber, now, ct);
            }

            return new WriteResult<Violation>(stored, changes);
        }, cancellationToken);
    }
}
