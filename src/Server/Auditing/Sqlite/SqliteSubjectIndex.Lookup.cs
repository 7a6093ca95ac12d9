using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>The holder's lookup: the runs for what is indexed, the trail itself for what is not yet.</summary>
internal sealed partial class SqliteSubjectIndex
{
    /// <summary>
    /// Records of <paramref name="subject"/> below <paramref name="beforeSequence"/>, newest first, at most
    /// <paramref name="limit"/>: from the runs for what is indexed, from the trail itself for what is not.
    /// </summary>
    public async Task<List<AuditEntry>> ListAsync(string subject, long beforeSequence, int limit, CancellationToken cancellationToken)
    {
        long indexedSequence;
        var indexedHits = new List<long>(limit);
        await using (var index = new SqliteConnection(_indexConnectionString))
        {
            await index.OpenAsync(cancellationToken);
            // One read transaction: the state and the runs from the same snapshot.
            await using var snapshot = index.BeginTransaction(deferred: true);
            await using var state = index.CreateCommand();
            state.Transaction = snapshot;
            state.CommandText = "SELECT indexed_seq FROM state WHERE id = 1";
            indexedSequence = (long)(await state.ExecuteScalarAsync(cancellationToken) ?? 0L);

            await using var hits = index.CreateCommand();
            hits.Transaction = snapshot;
            hits.CommandText = """
                SELECT seq FROM entries
                WHERE run_id IN (SELECT run_id FROM runs) AND subject = $subject AND seq < $before
                ORDER BY seq DESC LIMIT $limit
                """;
            hits.Parameters.AddWithValue("$subject", subject);
            hits.Parameters.AddWithValue("$before", beforeSequence);
            hits.Parameters.AddWithValue("$limit", limit);
            await using var rows = await hits.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                indexedHits.Add(rows.GetInt64(0));
            }
        }

        await using var trail = new SqliteConnection(_trailConnectionString);
        await trail.OpenAsync(cancellationToken);
        // One read transaction on the trail too. Records are never removed from it, so reading it after
        // the index's snapshot finds every record that snapshot had not indexed yet: nothing falls between.
        await using var trailSnapshot = trail.BeginTransaction(deferred: true);
        var reader = new SqliteTrailReader(trail, trailSnapshot);

        // The tail the index has not taken in: at most about one indexer interval of records.
        var page = new SubjectPage(subject, beforeSequence, limit);
        foreach (var stored in reader.ReadAfter(indexedSequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!page.OfferTail(stored))
            {
                break;
            }
        }

        var entries = page.Start();
        foreach (var hit in indexedHits)
        {
            if (entries.Count == limit)
            {
                break;
            }

            if (page.Match(reader.EntryAt(hit)) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }
}
