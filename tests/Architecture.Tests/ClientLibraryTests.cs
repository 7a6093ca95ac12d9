using System.Text.Json;
using Mono.Cecil;
using ELicense.Client.Connection;

namespace ELicense.Architecture.Tests;

/// <summary>
/// ELicense.Client is what the inspector and the load generator share: a layered library of its own that knows
/// neither program, and the load generator's runtime settings belong to the load generator alone.
/// </summary>
public sealed class ClientLibraryTests
{
    private const string Root = "ELicense.Client";

    /// <summary>
    /// Bottom to top (README, "Structure"). Folders in one layer do not use each other.
    /// </summary>
    private static readonly string[][] Layers =
    [
        ["Cli"],        // the command line's basics: environment, exit codes, usage errors, secrets, option parsers, connection options
        ["Connection"], // options, TLS, API key, retries, the RPC session
        ["Rendering"],  // the error lines and the palette
        ["Commands"],   // the command frame (SessionCommand), CommandLine, help with exit codes
    ];

    private static readonly FolderGraph Graph = FolderGraph.Of(typeof(RpcSession), Root);

    [Fact]
    public void ClientFolders_DependencyGraph_HasNoCycles()
    {
        Assert.True(Graph.Cycles().Count == 0, "folder cycles in ELicense.Client:\n" + Graph.Describe());
    }

    [Fact]
    public void ClientFolders_Dependencies_PointOnlyToLowerLayers()
    {
        var upward = (
            from folder in Graph.Folders
            from target in Graph.DependenciesOf(folder)
            where LayerOf(target) is not { } layer || LayerOf(folder) is not { } own || layer >= own
            select $"{folder} -> {target} ({string.Join("; ", Graph.Witnesses(folder, target))})").ToList();

        Assert.True(upward.Count == 0, "dependencies that do not point down the layers:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void ClientFolders_LayerTable_IsExactlyTheFolders()
    {
        // Not vacuous: every folder of the table is in the assembly (under the root namespace), and every folder has a row.
        Assert.Equal(Layers.SelectMany(l => l).Order(StringComparer.Ordinal), Graph.Folders);
    }

    [Fact]
    public void ClientCli_DependsOn_NoOtherClientFolder()
    {
        Assert.True(Graph.DependenciesOf("Cli").Count == 0, "ELicense.Client:\n" + Graph.Describe());
    }

    [Fact]
    public void ClientAssembly_Types_AllUnderItsRootNamespace()
    {
        using var client = AssemblyDefinition.ReadAssembly(typeof(RpcSession).Assembly.Location);

        var outside = client.MainModule.Types
            .Where(t => t.Namespace.Length > 0 && t.Namespace != Root && !t.Namespace.StartsWith(Root + ".", StringComparison.Ordinal))
            .Where(t => !t.Namespace.StartsWith("System", StringComparison.Ordinal) && !t.Namespace.StartsWith("Microsoft", StringComparison.Ordinal))
            .Select(t => t.FullName).ToList();

        Assert.True(outside.Count == 0, "types of ELicense.Client outside its namespace: " + string.Join(", ", outside));
    }

    [Fact]
    public void ClientAssembly_References_NeitherProgram()
    {
        using var client = AssemblyDefinition.ReadAssembly(typeof(RpcSession).Assembly.Location);

        var references = client.MainModule.AssemblyReferences.Select(r => r.Name).ToList();

        Assert.DoesNotContain("inspector", references);
        Assert.DoesNotContain("elicense-bench", references);
    }

    [Fact]
    public void InspectorRuntimeConfig_CarriesNoLoadGeneratorSetting()
    {
        var options = RuntimeOptions("inspector");

        Assert.False(options.TryGetProperty("System.Runtime.TieredPGO", out _), options.ToString());
        Assert.False(options.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out _), options.ToString());
    }

    [Fact]
    public void BenchRuntimeConfig_TurnsOffPgoAndSpinning()
    {
        var options = RuntimeOptions("elicense-bench");

        Assert.False(options.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.Equal("0", options.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").ToString());
    }

    [Theory]
    [InlineData("inspector", false)]
    [InlineData("elicense-bench", true)]
    public void ProgramStrings_ArrayPoolVariable_OnlyInTheLoadGenerator(string program, bool expected)
    {
        // The larger shared array pool is set through an environment variable the program sets on start.
        using var assembly = AssemblyDefinition.ReadAssembly(Path.Combine(AppContext.BaseDirectory, program + ".dll"));

        var strings = assembly.MainModule.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody)
            .SelectMany(m => m.Body.Instructions).Select(i => i.Operand).OfType<string>();

        Assert.Equal(expected, strings.Any(s => s.Contains("SHAREDARRAYPOOL", StringComparison.Ordinal)));
    }

    private static int? LayerOf(string folder)
    {
        var index = Array.FindIndex(Layers, layer => layer.Contains(folder, StringComparer.Ordinal));
        return index < 0 ? null : index;
    }

    /// <summary>The configProperties of a program's runtimeconfig.json, copied beside the tests by the project reference.</summary>
    private static JsonElement RuntimeOptions(string program)
    {
        var path = Path.Combine(AppContext.BaseDirectory, program + ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
