namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>PostgreSQL going away and coming back under the replicas, and the end of it all.</summary>
public sealed partial class PostgresReplicas
{
    /// <summary>Stops the cluster (<c>fast</c>: connections dropped, a clean shutdown; <c>immediate</c>: as a crash).</summary>
    public async Task StopPostgresAsync(string mode = "fast")
    {
        _postgresStopped = true;
        await Cluster.StopAsync(mode);
    }

    /// <summary>Starts the stopped cluster again, same port, same data.</summary>
    public async Task StartPostgresAgainAsync()
    {
        await Cluster.StartAgainAsync();
        _postgresStopped = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresStopped && Cluster is not null)
        {
            // A test that failed during an outage: the replicas drain their audit writers on the way down.
            await Cluster.StartAgainAsync();
        }

        for (var i = _replicas.Count - 1; i >= 0; i--)
        {
            await _replicas[i].DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (_ownsCluster && Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the replicas' own audit files, when on SQLite
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
