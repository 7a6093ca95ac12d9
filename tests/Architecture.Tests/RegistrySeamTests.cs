using ELicense.Server.Registry;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The registry seam sits low in the server's layers: the store, its engines and the seeder use no
/// other server folder beyond the shared helpers and metrics, and the resilience pipelines use only the
/// registry (its error classifier) — so a second engine is an addition inside Registry, not surgery. The one
/// layer between is Postgres: what the PostgreSQL engines of the registry and the audit trail share.
/// </summary>
public sealed class RegistrySeamTests
{
    private static readonly FolderGraph Server = FolderGraph.Of(typeof(IRegistryStore), "ELicense.Server");

    [Fact]
    public void Registry_DependsOn_OnlyInternalObservabilityAndPostgres()
    {
        var extra = Server.DependenciesOf("Registry").Except(["Internal", "Observability", "Postgres"]).ToList();

        Assert.True(extra.Count == 0, string.Join('\n', extra.Select(f => $"Registry -> {f}: {string.Join(", ", Server.Witnesses("Registry", f))}")));
    }

    [Fact]
    public void Resilience_DependsOn_OnlyRegistry()
    {
        var extra = Server.DependenciesOf("Resilience").Except(["Registry"]).ToList();

        Assert.True(extra.Count == 0, string.Join('\n', extra.Select(f => $"Resilience -> {f}: {string.Join(", ", Server.Witnesses("Resilience", f))}")));
    }
}
