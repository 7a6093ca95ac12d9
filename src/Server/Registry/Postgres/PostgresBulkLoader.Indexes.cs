using System.Collections.Concurrent;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>After the load: the secondary indexes and the statistics, built side by side on a few connections.</summary>
public sealed partial class PostgresBulkLoader
{
    /// <summary>
    /// Connections building indexes at once. <c>CREATE INDEX</c> takes a SHARE lock, which does not conflict
    /// with itself, so several indexes of one table build concurrently, each sorting on its own backend
    /// (and PostgreSQL's parallel maintenance workers, when it has them, on top). Three keeps the largest
    /// two violation indexes from waiting behind each other without crowding a small host.
    /// </summary>
    private const int IndexBuilders = 3;

    /// <summary>
    /// Sort memory per builder, for these sessions only (the server's default is 64 MB): a million
    /// licences' largest index sorts in memory instead of temporary files; three builders stay under 400 MB.
    /// </summary>
    private const string IndexSession = "SET maintenance_work_mem = '128MB'";

    /// <summary>The statements of <see cref="PostgresRegistrySchema.Indexes"/>, one per index, in its order.</summary>
    private static readonly string[] IndexStatements = PostgresRegistrySchema.Indexes
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(statement => statement.Contains("CREATE", StringComparison.Ordinal))
        .ToArray();

    /// <summary>
    /// Adds the primary keys back and builds every secondary index: a few connections take the next statement from a shared queue, so
    /// the long builds (the violation histories) run beside the short ones instead of after them.
    /// </summary>
    private async Task BuildIndexesAsync(CancellationToken cancellationToken)
    {
        // The primary keys first: one table each, so that their exclusive locks do not queue the other builds.
        var queue = new ConcurrentQueue<string>(AddKeyStatements.Concat(IndexStatements));
        var builders = Enumerable.Range(0, Math.Min(IndexBuilders, queue.Count)).Select(async _ =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, IndexSession, cancellationToken);
            try
            {
                while (queue.TryDequeue(out var statement))
                {
                    await ExecuteAsync(connection, statement, cancellationToken);
                }
            }
            catch
            {
                // The seed has failed (a duplicate key, a lost connection): the other builders stop after the
                // statement they are running instead of building what is left, minutes at 10 M, before it says so.
                queue.Clear();
                throw;
            }
        });
        await Task.WhenAll(builders);
    }

    /// <summary>
    /// Statistics for the planner, a table per connection (ANALYZE of different tables does not conflict);
    /// after the index builds, whose SHARE lock ANALYZE of the same table would wait for.
    /// </summary>
    private async Task AnalyzeAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(((string[])["licenses", "vehicles", "violations"]).Select(async table =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, $"ANALYZE registry.{table}", cancellationToken);
        }));
}
