namespace ELicense.Architecture.Tests;

/// <summary>
/// Files that do one job stay small: across the hand-written sources of src/ (generated code lives under obj/),
/// nine files in ten have at most 150 lines and none has more than 400.
/// </summary>
public sealed class SourceFileTests
{
    private const int P90Limit = 150;
    private const int MaxLimit = 400;

    [Fact]
    public void SourceFiles_LineCounts_P90AndMaximumWithinLimits()
    {
        var files = SourceFiles().Select(path => (Path: path, Lines: File.ReadLines(path).Count())).OrderBy(f => f.Lines).ToList();
        Assert.NotEmpty(files);

        var p90 = files[(int)Math.Ceiling(files.Count * 0.9) - 1].Lines;
        var tooBig = files.Where(f => f.Lines > MaxLimit).Select(f => $"{f.Lines} {f.Path}").ToList();

        Assert.True(p90 <= P90Limit, $"p90 of {files.Count} source files is {p90} lines (limit {P90Limit})");
        Assert.True(tooBig.Count == 0, $"files over {MaxLimit} lines:\n" + string.Join('\n', tooBig));
    }

    private static IEnumerable<string> SourceFiles()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ELicense.slnx")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, "ELicense.slnx not found above " + AppContext.BaseDirectory);
        var src = Path.Combine(root.FullName, "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(src, path)));
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin");
}
