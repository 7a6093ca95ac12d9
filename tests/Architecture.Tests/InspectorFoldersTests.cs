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
    /// Bottom to top. Folders in one layer do not use each other. A folder listed here but absent from the
    /// assembly (Bench and Connection once they move to projects of their own) is simply not checked.
    /// </summary>
    private static readonly string[][] Layers =
    [
        ["Localization"],       // the words, both languages; the spellings of plate types and purposes
        ["Connection"],         // server options, TLS, retries, the RPC session
        ["Offline"],            // key cache, offline queue, offline verification
        ["Rendering"],          // the one-shot commands' views
        ["Holder", "Handheld"], // the holder's screen; the officer's console
        ["Commands"],           // the command line
        ["Bench"],              // the load generator, while it is in this assembly
        ["(root)"],             // InspectorApp, Program
    ];

    // The folders that stay in this assembly whatever moves out.
    private static readonly string[] ConsoleFolders = ["Localization", "Offline", "Rendering", "Handheld", "Commands", "(root)"];

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
        // The table is not vacuous: the console's own folders are in this assembly and in the table.
        Assert.All(ConsoleFolders, f => Assert.Contains(f, Graph.Folders));
    }

    private static int? LayerOf(string folder)
    {
        var index = Array.FindIndex(Layers, layer => layer.Contains(folder, StringComparer.Ordinal));
        return index < 0 ? null : index;
    }
}
