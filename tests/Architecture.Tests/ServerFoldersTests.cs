using System.Text;
using ELicense.Server.Verification;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The server's top-level folders form layers: each depends only on folders in lower layers (and on Core and
/// Contracts, which are other assemblies). The table below is the picture in README.md's "Structure" section;
/// change both together.
/// </summary>
public sealed class ServerFoldersTests
{
    /// <summary>
    /// Bottom to top. Folders in one layer do not depend on each other. The graph comes from IL, which does not
    /// show a use of a constant (the compiler copies its value): Caching names Resilience's pipelines only
    /// through constants (<c>ResilienceExtensions.Redis</c>), so Resilience sits in a layer of its own below it.
    /// <see cref="ServerSourcesTests"/> applies the same table to the source, which does show constants.
    /// </summary>
    internal static readonly string[][] Layers =
    [
        ["Internal"],                                // small shared helpers, internal protos
        ["Observability"],                           // the meter and its instruments, the scrape endpoint
        ["Postgres"],                                // what every PostgreSQL engine shares: data sources, migrations, errors
        ["Registry", "Auditing"],                    // the store seam and its engines; the audit trail and its engines
        ["Resilience"],                              // Polly pipelines (the registry's classifier)
        ["Caching", "Credentials"],                  // Redis and the two-level cache; key ring and issuer
        ["Validation"],                              // rich errors, request validation, paging
        ["Security"],                                // callers, roles, field policy, limits
        ["Verification", "Holder", "RegistryApi"],   // the features
        ["Hosting"],                                 // wiring: interceptors, health checks, gauges, the gRPC surface
    ];

    private static readonly FolderGraph Graph = FolderGraph.Of(typeof(VerificationApi), "ELicense.Server");

    /// <summary>Each tabled folder's layer, 0 at the bottom.</summary>
    internal static IReadOnlyDictionary<string, int> LayerOf { get; } = Layers
        .SelectMany((layer, index) => layer.Select(folder => (folder, index)))
        .ToDictionary(entry => entry.folder, entry => entry.index, StringComparer.Ordinal);

    [Fact]
    public void ServerFolders_DependencyGraph_HasNoCycles()
    {
        var cycles = Graph.Cycles();

        Assert.True(cycles.Count == 0, "folder cycles in ELicense.Server:\n" + Graph.Describe() + "\n" + CycleWitnesses(cycles));
    }

    [Fact]
    public void ServerFolders_LayerTable_NamesEveryFolderOnce()
    {
        var tabled = Layers.SelectMany(layer => layer).ToList();

        Assert.Equal(tabled.Count, tabled.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Graph.Folders.Order(StringComparer.Ordinal), tabled.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ServerFolders_Dependencies_PointToLowerLayersOnly()
    {
        var layerOf = LayerOf;
        var upward = new StringBuilder();
        foreach (var folder in Graph.Folders.Where(layerOf.ContainsKey))
        {
            foreach (var target in Graph.DependenciesOf(folder).Where(t => !layerOf.TryGetValue(t, out var layer) || layer >= layerOf[folder]))
            {
                upward.Append(folder).Append(" -> ").Append(target).Append(": ")
                    .AppendJoin("; ", Graph.Witnesses(folder, target)).Append('\n');
            }
        }

        Assert.True(upward.Length == 0, "dependencies on the same or a higher layer:\n" + upward + "\ngraph:\n" + Graph.Describe());
    }

    [Fact]
    public void ServerSubfolders_DependencyGraph_HasNoCycles()
    {
        // Inside a folder too (e.g. Registry: the seam's root, its engines, the seeder, the engine choice).
        var parents = FolderGraph.FoldersWithSubfolders(typeof(VerificationApi), "ELicense.Server");
        var cycles = parents
            .Select(parent => FolderGraph.Of(typeof(VerificationApi), "ELicense.Server." + parent))
            .Where(graph => graph.Cycles().Count > 0)
            .Select(graph => $"{graph.RootNamespace}: {string.Join(" | ", graph.Cycles().Select(c => string.Join(' ', c)))}\n{graph.Describe()}")
            .ToList();

        Assert.Contains("Registry", parents); // the sub-graphs are really read
        Assert.True(cycles.Count == 0, "sub-folder cycles:\n" + string.Join('\n', cycles));
    }

    // For each cycle, the edges inside it and a few of the types that make each edge.
    private static string CycleWitnesses(IReadOnlyList<IReadOnlyList<string>> cycles)
    {
        var text = new StringBuilder();
        foreach (var cycle in cycles)
        {
            text.Append("cycle: ").AppendJoin(' ', cycle).Append('\n');
            foreach (var from in cycle)
            {
                foreach (var to in Graph.DependenciesOf(from).Where(cycle.Contains))
                {
                    text.Append("  ").Append(from).Append(" -> ").Append(to).Append(": ")
                        .AppendJoin("; ", Graph.Witnesses(from, to)).Append('\n');
                }
            }
        }

        return text.ToString();
    }
}
