using ELicense.Core.Credentials;
using Mono.Cecil;

namespace ELicense.Architecture.Tests;

/// <summary>The core library holds rules and formats only: no transport, no web host, no storage engine.</summary>
public sealed class CoreTests
{
    // Namespaces the core must not name. The contract's messages (Google.Protobuf) are its vocabulary; the gRPC
    // stubs beside them in ELicense.Contracts are not its business.
    private static readonly string[] Forbidden =
        ["Grpc.", "Microsoft.AspNetCore.", "Microsoft.Data.Sqlite", "StackExchange.Redis", "Npgsql", "Polly", "Spectre."];

    [Fact]
    public void CoreAssembly_References_NoTransportHostOrStorage()
    {
        using var core = AssemblyDefinition.ReadAssembly(typeof(Base45).Assembly.Location);

        var references = core.MainModule.AssemblyReferences.Select(r => r.Name).ToList();

        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f.TrimEnd('.'), StringComparison.Ordinal)));
    }

    [Fact]
    public void CoreTypes_NameTypes_OnlyOutsideTransportHostAndStorage()
    {
        using var core = AssemblyDefinition.ReadAssembly(typeof(Base45).Assembly.Location);

        var named = core.MainModule.GetTypeReferences().Select(t => t.FullName).ToList();

        Assert.DoesNotContain(named, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void CoreFolders_DependencyGraph_HasNoCycles()
    {
        var graph = FolderGraph.Of(typeof(Base45), "ELicense.Core");

        Assert.True(graph.Cycles().Count == 0, "folder cycles in ELicense.Core:\n" + graph.Describe());
    }

    [Fact]
    public void CoreSubfolders_DependencyGraph_HasNoCycles()
    {
        // Core's folders have no folders of their own today; this keeps any that are added free of cycles.
        var cycles = FolderGraph.FoldersWithSubfolders(typeof(Base45), "ELicense.Core")
            .Select(parent => FolderGraph.Of(typeof(Base45), "ELicense.Core." + parent))
            .Where(graph => graph.Cycles().Count > 0)
            .Select(graph => $"{graph.RootNamespace}:\n{graph.Describe()}")
            .ToList();

        Assert.True(cycles.Count == 0, "sub-folder cycles:\n" + string.Join('\n', cycles));
    }
}
