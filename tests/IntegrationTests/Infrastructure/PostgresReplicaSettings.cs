using ELicense.Testing;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>What <see cref="PostgresReplicas"/> starts.</summary>
public sealed record PostgresReplicaSettings
{
    /// <summary>Replicas started (and disposed) with the set.</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>Whether the replicas share a Redis (off: memory and registry only, invalidation by the change feed alone).</summary>
    public bool Redis { get; init; } = true;

    /// <summary>The audit trail in the registry's database (on), or in each replica's own SQLite file (off).</summary>
    public bool AuditOnPostgres { get; init; } = true;

    /// <summary>Npgsql options appended to the registry's connection string (e.g. <c>Maximum Pool Size=2;Timeout=1</c>).</summary>
    public string ConnectionOptions { get; init; } = "";

    /// <summary>Configuration every replica starts with, after the engine's.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>A cluster to create the database in (a class fixture's, not stopped here), or null for one of their own.</summary>
    public PostgresCluster? Cluster { get; init; }
}
