using System.Text;
using System.Text.RegularExpressions;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The server's layers, checked in the source: IL does not show a use of a constant (the compiler copies its
/// value), so a folder naming a constant of a higher layer is invisible to <see cref="ServerFoldersTests"/>.
/// Here the <c>using ELicense.Server.X</c> directives and <c>ELicense.Server.X.</c> qualified names in
/// <c>src/Server/&lt;Folder&gt;/**.cs</c> are held to the same layer table (comments are not read: a doc
/// comment may point anywhere).
/// </summary>
public sealed partial class ServerSourcesTests
{
    [Fact]
    public void ServerFolderSources_NamedServerFolders_PointToLowerLayersOnly()
    {
        var upward = new StringBuilder();
        var files = 0;
        foreach (var (folder, file) in SourceFiles())
        {
            files++;
            Assert.True(ServerFoldersTests.LayerOf.ContainsKey(folder), $"src/Server/{folder} is not in ServerFoldersTests.Layers");
            foreach (var (line, target) in NamedFolders(file))
            {
                if (target != folder && (!ServerFoldersTests.LayerOf.TryGetValue(target, out var layer) || layer >= ServerFoldersTests.LayerOf[folder]))
                {
                    upward.Append(folder).Append(" -> ").Append(target).Append(": ")
                        .Append(Path.GetRelativePath(ServerRoot, file)).Append(':').Append(line).Append('\n');
                }
            }
        }

        Assert.True(files > 100, $"only {files} source files found under {ServerRoot}"); // the sources are really read
        Assert.True(upward.Length == 0, "source names a folder of the same or a higher layer:\n" + upward);
    }

    private static readonly string ServerRoot = Path.Combine(RepositoryRoot(), "src", "Server");

    // src/Server/<Folder>/**.cs, build output aside; files at the top (Program.cs) sit above every folder.
    private static IEnumerable<(string Folder, string File)> SourceFiles() =>
        Directory.EnumerateDirectories(ServerRoot)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(folder => folder is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(ServerRoot, folder), "*.cs", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(file => (folder, file)));

    // (line number, folder) for every server folder the file's code names; the file's own namespace line aside.
    private static IEnumerable<(int Line, string Folder)> NamedFolders(string file)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var code = Code(lines[i]);
            if (NamespaceLine().IsMatch(code))
            {
                continue;
            }

            foreach (var match in UsingDirective().Matches(code).Concat(QualifiedName().Matches(code)))
            {
                yield return (i + 1, match.Groups["folder"].Value);
            }
        }
    }

    // The line without its comment ("//" and "///" to the end; "/* */" is not used in src/Server).
    private static string Code(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ELicense.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ELicense.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\s*namespace\s+ELicense\.Server\b")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?(\w+\s*=\s*)?(global::)?ELicense\.Server\.(?<folder>\w+)\s*;")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\bELicense\.Server\.(?<folder>\w+)\.")]
    private static partial Regex QualifiedName();
}
