using System.Collections.Concurrent;
using ELicense.Server.Validation;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry;

/// <summary>
/// The registry in an embedded SQLite file (WAL mode, so that readers never wait for the writer and
/// several server processes can share one file). Every write runs in one <c>BEGIN IMMEDIATE</c>
/// transaction that also appends to the change feed.
/// </summary>
/// <remarks>
/// Connections are kept open in a small pool of sessions, each with its own prepared statements, so a
/// hot read is one bind and one step. A session that saw an unexpected error is discarded, not reused.
/// Lock contention surfaces as a <see cref="SqliteException"/> with SQLITE_BUSY or SQLITE_LOCKED after
/// <see cref="RegistryOptions.BusyTimeoutMs"/>; see <see cref="IsTransient"/>.
/// </remarks>
public sealed partial class SqliteRegistryStore : IRegistryStore, IDisposable
{
    private const int MaxIdleSessions = 64;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private const string LicenseColumns =
        "license_number, file_number, holder_name, license_class, status, first_issue_date, valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms";

    private const string VehicleColumns =
        "plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until, insurance_valid_until, update_unix_ms";

    private const string ViolationColumns =
        "id, occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number, license_number, state, source";

    // The unprocessed totals are an uncorrelated one-row subquery, answered from a covering partial index.
    private const string SelectLicenseWithSummary = $"""
        SELECT {LicenseColumns}, s.c, s.p, s.f
        FROM licenses,
             (SELECT count(*) AS c, coalesce(sum(points), 0) AS p, coalesce(sum(fine_yuan), 0) AS f
              FROM violations WHERE license_number = $number AND state = 1) AS s
        WHERE license_number = $number
        """;

    private const string SelectVehicleByPlateWithSummary = $"""
        SELECT {VehicleColumns}, s.c, s.p, s.f
        FROM vehicles,
             (SELECT count(*) AS c, coalesce(sum(points), 0) AS p, coalesce(sum(fine_yuan), 0) AS f
              FROM violations WHERE plate_type = $type AND plate_number = $number AND state = 1) AS s
        WHERE plate_type = $type AND plate_number = $number
        """;

    private const string SelectVehicleByVinWithSummary = $"""
        SELECT {VehicleColumns},
               (SELECT count(*) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1),
               (SELECT coalesce(sum(points), 0) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1),
               (SELECT coalesce(sum(fine_yuan), 0) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1)
        FROM vehicles AS v
        WHERE v.vin = $vin
        """;

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

    private const string SelectViolationById = $"SELECT {ViolationColumns} FROM violations WHERE id = $id";

    private const string SelectViolationByRequestId = $"SELECT {ViolationColumns} FROM violations WHERE request_id = $request";

    private const string InsertViolationSql = """
        INSERT INTO violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                license_number, state, source, request_id)
        VALUES ($occur, $place, $code, $description, $points, $fine, $type, $number, $license, $state, $source, $request)
        RETURNING id
        """;

    private const string UpdateViolationSql = "UPDATE violations SET state = $state, license_number = $license WHERE id = $id";

    private const string SelectVinByPlate = "SELECT vin FROM vehicles WHERE plate_type = $type AND plate_number = $number";

    private const string SelectPlateByVin = "SELECT plate_type, plate_number FROM vehicles WHERE vin = $vin";

    private const string DeleteVehicleSql = "DELETE FROM vehicles WHERE plate_type = $type AND plate_number = $number";

    private const string UpsertVehicleSql = """
        INSERT INTO vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                              insurance_valid_until, update_unix_ms)
        VALUES ($type, $number, $vin, $owner, $model, $statuses, $inspection, $insurance, $now)
        ON CONFLICT (plate_type, plate_number) DO UPDATE SET
            vin = excluded.vin, owner_name = excluded.owner_name, model = excluded.model,
            statuses = excluded.statuses, inspection_valid_until = excluded.inspection_valid_until,
            insurance_valid_until = excluded.insurance_valid_until, update_unix_ms = excluded.update_unix_ms
        """;

    private const string InsertChangeSql = "INSERT INTO changes (kind, key, change_unix_ms) VALUES ($kind, $key, $now) RETURNING seq";

    private const string SelectChanges = "SELECT seq, kind, key FROM changes WHERE seq > $after ORDER BY seq LIMIT $limit";

    private const string SelectLatestChange = "SELECT coalesce(max(seq), 0) FROM changes";

    // Walks the primary key backwards from the newest change: cost grows with the changes since $before, not the table.
    private const string SelectChangeBefore = "SELECT coalesce((SELECT seq FROM changes WHERE change_unix_ms < $before ORDER BY seq DESC LIMIT 1), 0)";

    private readonly string _path;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentQueue<Session> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteRegistryStore(IOptions<RegistryOptions> options, TimeProvider timeProvider)
    {
        var value = options.Value;
        var errors = value.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(RegistryOptions.SectionName, typeof(RegistryOptions), errors);
        }

        _path = Path.GetFullPath(value.Path);
        _busyTimeoutMs = value.BusyTimeoutMs;
        _timeProvider = timeProvider;
        _connectionString = BuildConnectionString(_path, value.BusyTimeoutMs);
    }

    /// <summary>
    /// True for lock contention (SQLITE_BUSY, SQLITE_LOCKED, including their extended codes) anywhere in
    /// the exception chain: the operation may succeed when retried.
    /// </summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException sqlite
                && ((sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked
                    || (sqlite.SqliteExtendedErrorCode & 0xFF) is SqliteBusy or SqliteLocked))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The connection string used for a registry file (no ADO.NET pooling: the store pools sessions).</summary>
    internal static string BuildConnectionString(string path, int busyTimeoutMs) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = false,
        // Microsoft.Data.Sqlite retries BUSY on its own until the command timeout; keep it in line with
        // the busy timeout so that contention surfaces after about BusyTimeoutMs, not 30 s.
        DefaultTimeout = Math.Max(1, (busyTimeoutMs + 999) / 1000),
    }.ToString();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var session = await RentAsync(cancellationToken);
        var reusable = false;
        try
        {
            // Persistent in the file; waits on the busy timeout if another process holds a lock.
            await ExecuteAsync(session.Connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            using (var transaction = session.Connection.BeginTransaction(deferred: false))
            {
                await ExecuteAsync(session.Connection, RegistrySchema.Tables + RegistrySchema.Indexes + RegistrySchema.SchemaVersionRow,
                    cancellationToken, transaction);
                await transaction.CommitAsync(cancellationToken);
            }

            reusable = true;
        }
        finally
        {
            Return(session, reusable);
        }
    }

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

    public Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) =>
        WithSessionAsync<VehicleRecord?>(async (session, ct) =>
        {
            var command = session.Command(SelectVehicleByPlateWithSummary);
            command.Bind("$type", (int)plate.Type).Bind("$number", plate.Number);
            return await ReadVehicleRecordAsync(command, ct);
        }, cancellationToken);

    public Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) =>
        WithSessionAsync<VehicleRecord?>(async (session, ct) =>
        {
            var command = session.Command(SelectVehicleByVinWithSummary);
            command.Bind("$vin", vin);
            return await ReadVehicleRecordAsync(command, ct);
        }, cancellationToken);

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
                    ?? throw new RegistryRuleException(ErrorReasons.LicenseNotFound,
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

    public Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationState state, string licenseNumber, CancellationToken cancellationToken)
    {
        if (state is not (ViolationState.Processed or ViolationState.Paid))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A violation can only be resolved to PROCESSED or PAID.");
        }

        if (!RegistryMapping.TryParseViolationId(violationId, out var rowId))
        {
            return Task.FromResult<WriteResult<ResolvedViolation>?>(null);
        }

        return WriteAsync<WriteResult<ResolvedViolation>?>(async (session, transaction, now, ct) =>
        {
            var violation = await ReadViolationAsync(session.Command(SelectViolationById, transaction).Bind("$id", rowId), ct);
            if (violation is null)
            {
                return null;
            }

            var from = violation.State;
            var allowed = from switch
            {
                ViolationState.Unprocessed => true,
                ViolationState.Processed => state == ViolationState.Paid,
                _ => false,
            };
            if (!allowed)
            {
                throw new RegistryRuleException(ErrorReasons.ViolationAlreadyResolved,
                    $"Violation {violation.ViolationId} is {from} and cannot become {state}.");
            }

            var previousLicense = string.IsNullOrEmpty(violation.LicenseNumber) ? null : violation.LicenseNumber;
            var given = string.IsNullOrEmpty(licenseNumber) ? null : licenseNumber;
            // Processing attributes the violation (the given licence wins); paying a processed one keeps it.
            var attributed = (from == ViolationState.Unprocessed ? given ?? previousLicense : previousLicense ?? given)
                ?? throw new RegistryRuleException("LICENSE_REQUIRED",
                    $"Violation {violation.ViolationId} is not attributed to a licence; a licence number is required.");

            var license = await ReadLicenseAsync(session.Command(SelectLicense, transaction).Bind("$number", attributed), ct)
                ?? throw new RegistryRuleException(ErrorReasons.LicenseNotFound,
                    $"Licence {IdentityNumber.Mask(attributed)} not found.");

            if (from == ViolationState.Unprocessed)
            {
                var points = license.Points + violation.Points;
                var status = points >= 12 && license.Status == LicenseStatus.Normal ? LicenseStatus.PointsExceeded : license.Status;
                license = await ReadLicenseAsync(session.Command(UpdateLicensePointsSql, transaction)
                    .Bind("$points", points).Bind("$status", (int)status).Bind("$now", now).Bind("$number", attributed), ct)
                    ?? throw new InvalidOperationException("The licence disappeared inside a write transaction.");
            }

            await session.Command(UpdateViolationSql, transaction)
                .Bind("$state", (int)state).Bind("$license", attributed).Bind("$id", rowId)
                .ExecuteNonQueryAsync(ct);
            violation.State = state;
            violation.LicenseNumber = attributed;

            var changes = new List<RegistryChange>(4);
            await AddPlateChangesAsync(session, transaction, changes, violation.Plate, now, ct);
            await AddChangeAsync(session, transaction, changes, ChangeKind.License, attributed, now, ct);
            if (previousLicense is not null && !string.Equals(previousLicense, attributed, StringComparison.Ordinal))
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.License, previousLicense, now, ct);
            }

            return new WriteResult<ResolvedViolation>(new ResolvedViolation(violation, license), changes);
        }, cancellationToken);
    }

    public Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken)
    {
        if (vehicle.Plate is null)
        {
            throw new ArgumentException("A vehicle needs a plate.", nameof(vehicle));
        }

        var mask = RegistryMapping.ToStatusMask(vehicle.Statuses);
        return WriteAsync(async (session, transaction, now, ct) =>
        {
            var plate = vehicle.Plate;
            string? previousVinOfPlate;
            using (var reader = await session.Command(SelectVinByPlate, transaction)
                .Bind("$type", (int)plate.Type).Bind("$number", plate.Number).ExecuteReaderAsync(ct))
            {
                previousVinOfPlate = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
            }

            Plate? previousPlateOfVin = null;
            using (var reader = await session.Command(SelectPlateByVin, transaction).Bind("$vin", vehicle.Vin).ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    var type = (PlateType)reader.GetInt32(0);
                    var number = reader.GetString(1);
                    if (type != plate.Type || !string.Equals(number, plate.Number, StringComparison.Ordinal))
                    {
                        previousPlateOfVin = new Plate { Type = type, Number = number };
                    }
                }
            }

            // The VIN moved to a new plate (re-registration): the old plate's record goes.
            if (previousPlateOfVin is not null)
            {
                await session.Command(DeleteVehicleSql, transaction)
                    .Bind("$type", (int)previousPlateOfVin.Type).Bind("$number", previousPlateOfVin.Number)
                    .ExecuteNonQueryAsync(ct);
            }

            await session.Command(UpsertVehicleSql, transaction)
                .Bind("$type", (int)plate.Type)
                .Bind("$number", plate.Number)
                .Bind("$vin", vehicle.Vin)
                .Bind("$owner", vehicle.OwnerName)
                .Bind("$model", vehicle.Model)
                .Bind("$statuses", mask)
                .Bind("$inspection", RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate))
                .Bind("$insurance", RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate))
                .Bind("$now", now)
                .ExecuteNonQueryAsync(ct);

            var stored = vehicle.Clone();
            stored.Statuses.Clear();
            RegistryMapping.AddStatuses(stored.Statuses, mask);
            stored.UpdateTime = RegistryMapping.FromUnixMs(now);

            var changes = new List<RegistryChange>(4);
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(plate), now, ct);
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, vehicle.Vin, now, ct);
            if (previousPlateOfVin is not null)
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(previousPlateOfVin), now, ct);
            }

            if (previousVinOfPlate is not null && !string.Equals(previousVinOfPlate, vehicle.Vin, StringComparison.Ordinal))
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, previousVinOfPlate, now, ct);
            }

            return new WriteResult<Vehicle>(stored, changes);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<RegistryChange>>([]);
        }

        return WithSessionAsync<IReadOnlyList<RegistryChange>>(async (session, ct) =>
        {
            var changes = new List<RegistryChange>(Math.Min(limit, 1024));
            using var reader = await session.Command(SelectChanges).Bind("$after", afterSequence).Bind("$limit", limit).ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changes.Add(new RegistryChange(reader.GetInt64(0), (ChangeKind)reader.GetInt32(1), reader.GetString(2)));
            }

            return changes;
        }, cancellationToken);
    }

    public Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) => (long)(await session.Command(SelectLatestChange).ExecuteScalarAsync(ct))!, cancellationToken);

    public Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) => (long)(await session.Command(SelectChangeBefore)
            .Bind("$before", before.ToUnixTimeMilliseconds()).ExecuteScalarAsync(ct))!, cancellationToken);

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    // ---- sessions ----

    private async Task<T> WithSessionAsync<T>(Func<Session, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var session = await RentAsync(cancellationToken);
        var reusable = false;
        try
        {
            var result = await work(session, cancellationToken);
            reusable = true;
            return result;
        }
        catch (RegistryRuleException)
        {
            // An expected refusal: the transaction was rolled back and the session is fine.
            reusable = true;
            throw;
        }
        finally
        {
            Return(session, reusable);
        }
    }

    private Task<T> WriteAsync<T>(Func<Session, SqliteTransaction, long, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) =>
        {
            // BEGIN IMMEDIATE: take the write lock up front (waiting on the busy timeout), so that a
            // read-then-write never fails half way on a lock upgrade.
            using var transaction = session.Connection.BeginTransaction(deferred: false);
            var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var result = await work(session, transaction, now, ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);

    private async ValueTask<Session> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection,
                $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;",
                cancellationToken);
            return new Session(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Return(Session session, bool reusable)
    {
        if (reusable && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdleSessions)
            {
                _idle.Enqueue(session);
                if (_disposed)
                {
                    DrainIdle();
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        session.Dispose();
    }

    private void DrainIdle()
    {
        while (_idle.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // ---- change feed ----

    private static async Task AddChangeAsync(Session session, SqliteTransaction transaction, List<RegistryChange> changes,
        ChangeKind kind, string key, long now, CancellationToken cancellationToken)
    {
        var sequence = (long)(await session.Command(InsertChangeSql, transaction)
            .Bind("$kind", (int)kind).Bind("$key", key).Bind("$now", now)
            .ExecuteScalarAsync(cancellationToken))!;
        changes.Add(new RegistryChange(sequence, kind, key));
    }

    /// <summary>A plate's change, and its vehicle's VIN change when a vehicle carries that plate.</summary>
    private static async Task AddPlateChangesAsync(Session session, SqliteTransaction transaction, List<RegistryChange> changes,
        Plate plate, long now, CancellationToken cancellationToken)
    {
        await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(plate), now, cancellationToken);
        var vin = await session.Command(SelectVinByPlate, transaction)
            .Bind("$type", (int)plate.Type).Bind("$number", plate.Number)
            .ExecuteScalarAsync(cancellationToken) as string;
        if (vin is not null)
        {
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, vin, now, cancellationToken);
        }
    }

    // ---- readers ----

    private static async Task<VehicleRecord?> ReadVehicleRecordAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new VehicleRecord(ReadVehicle(reader), ReadSummary(reader, 9));
    }

    private static async Task<License?> ReadLicenseAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLicense(reader) : null;
    }

    private static async Task<Violation?> ReadViolationAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadViolation(reader, out _) : null;
    }

    private static License ReadLicense(SqliteDataReader reader)
    {
        var license = new License
        {
            LicenseNumber = reader.GetString(0),
            FileNumber = reader.GetString(1),
            HolderName = reader.GetString(2),
            LicenseClass = reader.GetString(3),
            Status = (LicenseStatus)reader.GetInt32(4),
            Points = reader.GetInt32(8),
            IssuingAuthority = reader.GetString(9),
            UpdateTime = RegistryMapping.FromUnixMs(reader.GetInt64(10)),
        };
        if (!reader.IsDBNull(5))
        {
            license.FirstIssueDate = RegistryMapping.FromDateInt(reader.GetInt64(5));
        }

        if (!reader.IsDBNull(6))
        {
            license.ValidFromDate = RegistryMapping.FromDateInt(reader.GetInt64(6));
        }

        if (!reader.IsDBNull(7))
        {
            license.ValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(7));
        }

        return license;
    }

    private static Vehicle ReadVehicle(SqliteDataReader reader)
    {
        var vehicle = new Vehicle
        {
            Plate = new Plate { Type = (PlateType)reader.GetInt32(0), Number = reader.GetString(1) },
            Vin = reader.GetString(2),
            OwnerName = reader.GetString(3),
            Model = reader.GetString(4),
            UpdateTime = RegistryMapping.FromUnixMs(reader.GetInt64(8)),
        };
        RegistryMapping.AddStatuses(vehicle.Statuses, reader.GetInt64(5));
        if (!reader.IsDBNull(6))
        {
            vehicle.InspectionValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(6));
        }

        if (!reader.IsDBNull(7))
        {
            vehicle.InsuranceValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(7));
        }

        return vehicle;
    }

    private static Violation ReadViolation(SqliteDataReader reader, out long rowId)
    {
        rowId = reader.GetInt64(0);
        return new Violation
        {
            ViolationId = RegistryMapping.FormatViolationId(rowId),
            OccurTime = RegistryMapping.FromUnixMs(reader.GetInt64(1)),
            Place = reader.GetString(2),
            Code = reader.GetString(3),
            Description = reader.GetString(4),
            Points = reader.GetInt32(5),
            FineYuan = reader.GetInt32(6),
            Plate = new Plate { Type = (PlateType)reader.GetInt32(7), Number = reader.GetString(8) },
            LicenseNumber = reader.IsDBNull(9) ? string.Empty : reader.GetString(9),
            State = (ViolationState)reader.GetInt32(10),
            Source = (ViolationSource)reader.GetInt32(11),
        };
    }

    private static ViolationSummary ReadSummary(SqliteDataReader reader, int first) => new()
    {
        UnprocessedCount = reader.GetInt32(first),
        UnprocessedPoints = reader.GetInt32(first + 1),
        UnprocessedFineYuan = reader.GetInt64(first + 2),
    };

    /// <summary>An open connection with its prepared statements, used by one operation at a time.</summary>
    private sealed class Session(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteConnection Connection { get; } = connection;

        /// <summary>The cached command for this SQL (prepared on first execution, then reused).</summary>
        public SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                _commands.Add(sql, command);
            }

            command.Transaction = transaction;
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            Connection.Dispose();
        }
    }
}

/// <summary>Parameter binding for reused commands: sets the value of a parameter, adding it the first time.</summary>
internal static class SqliteCommandExtensions
{
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.Add(new SqliteParameter(name, value ?? DBNull.Value));
        }
        else
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
