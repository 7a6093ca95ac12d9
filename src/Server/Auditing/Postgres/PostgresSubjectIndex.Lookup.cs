using System.Text;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>The holder's lookup: the index for what is indexed, the trail itself for what is not yet, from one snapshot.</summary>
internal sealed partial class PostgresSubjectIndex
{
    private const string SelectProgress = "SELECT indexed_seq FROM audit.subject_progress WHERE id = 1";

    private const string SelectHits =
        "SELECT seq FROM audit.subject_entry WHERE subject = $1 AND seq < $2 AND seq <= $3 ORDER BY seq DESC LIMIT $4";

    /// <summary>
    /// Records of <paramref name="subject"/> below <paramref name="beforeSequence"/>, newest first, at most
    /// <paramref name="limit"/>: from the index for the records indexed, from the trail's tail for the
    /// ones committed since. Progress, index rows and trail come from one snapshot, so nothing falls between.
    /// </summary>
    public async Task<List<AuditEntry>> ListAsync(string subject, long beforeSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var snapshot = await PostgresTrailView.OpenSnapshotAsync(connection, cancellationToken);
        long indexedSequence;
        await using (var progress = new NpgsqlCommand(SelectProgress, connection, snapshot))
        {
            indexedSequence = await progress.ExecuteScalarAsync(cancellationToken) as long? ?? 0;
        }

        var hits = new List<long>(limit);
        await using (var select = new NpgsqlCommand(SelectHits, connection, snapshot))
        {
            select.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Encoding.UTF8.GetBytes(subject) });
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforeSequence });
            select.Parameters.Add(new NpgsqlParameter<long> { TypedValue = indexedSequence });
            select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var rows = await select.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                hits.Add(rows.GetInt64(0));
            }
        }

        // The tail the index has not taken in: at most about one indexer interval of records.
        var reader = new PostgresTrailReader(connection, snapshot);
        var page = new SubjectPage(subject, beforeSequence, limit);
        await foreach (var stored in reader.ReadAfterAsync(indexedSequence, cancellationToken))
        {
            if (!page.OfferTail(stored))
            {
                break;
            }
        }

        var entries = page.Start();
        foreach (var hit in hits)
        {
            if (entries.Count == limit)
            {
                break;
            }

            if (page.Match(await reader.EntryAtAsync(hit, cancellationToken)) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }
}
