using ELicense.Inspector;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The inspector's folders form layers (README, "Structure"): a folder uses only folders in layers below
/// its own, so the console's parts can be changed, and new ones added, without pulling the rest along.
/// </summary>
public sealed class InspectorFoldersTests
{
    private const string Root = "ELicense.Inspector";

    /// <summary>
    /// Bottom to top. Folders in one layer do not use each other. The connection, the command frame and the
    /// error lines are ELicense.Client's (namespace ELicense.Client.*, layered in ClientLibraryTests), below all
    /// of these; the load generator is elicense-bench.
    /// </summary>
    private static readonly string[][] Layers =
    [
        ["Localization"],       // the words, both languages; the spellings of plate types and purposes
        ["Offline"],            // key cache, offline queue, offline verification
        ["Rendering"],          // the one-shot commands' views
        ["Holder", "Handheld"], // the holder's screen; the officer's console
        ["Commands"],           // the command line
        ["(root)"],             // InspectorApp, Program
    ];

    private static readonly FolderGraph Graph = FolderGraph.Of(typeof(InspectorApp), Root);

    [Fact]
    public void InspectorFolders_DependencyGraph_HasNoCycles()
    {
        var cycles = Graph.Cycles();

        Assert.True(cycles.Count == 0,
            $"folder cycles in {Root}: {string.Join("; ", cycles.Select(c => string.Join(" ", c)))}\n{Graph.Describe()}");
    }

    [Fact]
    public void InspectorFolders_Dependencies_PointOnlyToLowerLayers()
    {
        var upward = (
            from folder in Graph.Folders
            where LayerOf(folder) is not null
            from target in Graph.DependenciesOf(folder)
            where LayerOf(target) is { } layer && layer >= LayerOf(folder)
            select $"{folder} -> {target} ({string.Join("; ", Graph.Witnesses(folder, target))})").ToList();

        Assert.True(upward.Count == 0, "dependencies that do not point down the layers:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void InspectorFolders_EveryFolder_HasALayer()
    {
        var unplaced = Graph.Folders.Where(f => LayerOf(f) is null).ToList();

        Assert.True(unplaced.Count == 0, $"folders without a layer in {nameof(Layers)}: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void Layers_NameEveryFolderOnce()
    {
        var named = Layers.SelectMany(l => l).ToList();

        Assert.Equal(named.Count, named.Distinct(StringComparer.Ordinal).Count());
        // The table is not vacuous: exactly the folders of this assembly, no row for a folder that moved out.
        Assert.Equal(named.Order(StringComparer.Ordinal), Graph.Folders);
    }

    private static int? LayerOf(string folder)
    {
        var index = Array.FindIndex(Layers, layer => layer.Contains(folder, StringComparer.Ordinal));
        return index < 0 ? null : index;
    }
}
