using System.Text.Json;
using ELicense.Inspector.Connection;
using Mono.Cecil;

namespace ELicense.Architecture.Tests;

/// <summary>
/// ELicense.Client is what the inspector and the load generator share: a layered library of its own that knows
/// neither program, and the load generator's runtime settings belong to the load generator alone.
/// </summary>
public sealed class ClientLibraryTests
{
    [Fact]
    public void ClientFolders_DependencyGraph_HasNoCycles()
    {
        var graph = FolderGraph.Of(typeof(RpcSession), "ELicense.Inspector");

        Assert.True(graph.Cycles().Count == 0, "folder cycles in ELicense.Client:\n" + graph.Describe());
    }

    [Fact]
    public void ClientConnection_DependsOn_NoOtherClientFolder()
    {
        var graph = FolderGraph.Of(typeof(RpcSession), "ELicense.Inspector");

        Assert.True(graph.DependenciesOf("Connection").Count == 0, "ELicense.Client:\n" + graph.Describe());
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

    /// <summary>The configProperties of a program's runtimeconfig.json, copied beside the tests by the project reference.</summary>
    private static JsonElement RuntimeOptions(string program)
    {
        var path = Path.Combine(AppContext.BaseDirectory, program + ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
