using System.Data;
using ELicense.V1;
using Npgsql;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The violation table's keyset pages, newest first, with the subject's unprocessed totals from the same snapshot.</summary>
public sealed partial class PostgresRegistryStore
{
    private const string ReadOnly = "SET TRANSACTION READ ONLY";

    private const string SummaryByLicense = """
        SELECT count(*)::integer, coalesce(sum(points), 0)::integer, coalesce(sum(fine_yuan), 0)::bigint
        FROM registry.violations WHERE license_number = $1 AND state = 1
        """;

    private const string SummaryByPlate = """
        SELECT count(*)::integer, coalesce(sum(points), 0)::integer, coalesce(sum(fine_yuan), 0)::bigint
        FROM registry.violations WHERE plate_type = $1 AND plate_number = $2 AND state = 1
        """;

    private const string PageByLicense = $"""
        SELECT {ViolationColumns} FROM registry.violations
        WHERE license_number = $1 AND (occur_unix_ms, id) < ($2, $3) ORDER BY occur_unix_ms DESC, id DESC LIMIT $4
        """;

    private const string PageByLicenseUnprocessed = $"""
        SELECT {ViolationColumns} FROM registry.violations
        WHERE license_number = $1 AND state = 1 AND (occur_unix_ms, id) < ($2, $3) ORDER BY occur_unix_ms DESC, id DESC LIMIT $4
        """;

    private const string PageByPlate = $"""
        SELECT {ViolationColumns} FROM registry.violations
        WHERE plate_type = $1 AND plate_number = $2 AND (occur_unix_ms, id) < ($3, $4) ORDER BY occur_unix_ms DESC, id DESC LIMIT $5
        """;

    private const string PageByPlateUnprocessed = $"""
        SELECT {ViolationColumns} FROM registry.violations
        WHERE plate_type = $1 AND plate_number = $2 AND state = 1 AND (occur_unix_ms, id) < ($3, $4) ORDER BY occur_unix_ms DESC, id DESC LIMIT $5
        """;

    private async Task<ViolationPage> ListViolationsCoreAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken)
    {
        if ((query.LicenseNumber is null) == (query.Plate is null))
        {
            throw new ArgumentException("Exactly one of LicenseNumber and Plate must be given.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // One snapshot for the page and the totals (REPEATABLE READ), read-only, sent as one batch: one round trip.
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var page = new NpgsqlBatchCommand(query.LicenseNumber is null
            ? (query.UnprocessedOnly ? PageByPlateUnprocessed : PageByPlate)
            : (query.UnprocessedOnly ? PageByLicenseUnprocessed : PageByLicense));
        var summary = new NpgsqlBatchCommand(query.LicenseNumber is null ? SummaryByPlate : SummaryByLicense);
        foreach (var command in new[] { page, summary })
        {
            if (query.LicenseNumber is { } number)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = number });
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)query.Plate!.Type });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Plate.Number });
            }
        }

        page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after?.OccurUnixMs ?? long.MaxValue });
        page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after?.RowId ?? long.MaxValue });
        page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)limit + 1 });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ReadOnly));
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(summary);

        var violations = new List<Violation>(Math.Min(limit + 1, 128));
        ViolationCursor? next = null;
        ViolationSummary totals;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            long lastRowId = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                if (violations.Count == limit)
                {
                    next = new ViolationCursor(RegistryMapping.ToUnixMs(violations[^1].OccurTime), lastRowId);
                    break;
                }

                violations.Add(ReadViolation(reader, out lastRowId));
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            totals = ReadSummary(reader, 0);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ViolationPage(violations, next, totals);
    }
}
