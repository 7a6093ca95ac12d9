using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class AuditCommandTests : IAsyncLifetime
{
    private readonly TempAudit _audit = new();
    private readonly StringWriter _output = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfiguration Configuration(string? path = null) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:Path"] = path })
        .Build();

    public async ValueTask InitializeAsync() => await _audit.WriteRecordsAsync(10);

    public async ValueTask DisposeAsync()
    {
        await _output.DisposeAsync();
        await _audit.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_IntactFile_PrintsOkWithHeadAndExits0()
    {
        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(0, exit);
        var head = (await _audit.VerifyAsync()).HeadHashHex;
        Assert.Equal(
            $"OK: 10 records, chain intact, head {head}\nAnchor of this head (keep it where the audit host cannot write): --anchor 10:{head}",
            _output.ToString().Trim().ReplaceLineEndings("\n"));
        Assert.Equal(64, head.Length);
    }

    [Fact]
    public async Task RunAsync_AnchorOfAnEarlierRunAfterMoreRecords_ChainStillPassesThroughItExits0()
    {
        var earlier = await _audit.VerifyAsync();
        await _audit.AppendMoreAsync(5);

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}", "--anchor", $"10:{earlier.HeadHashHex}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("OK: 15 records", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("passes through the anchored record seq 10", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FileRewrittenAsAWhole_IntactChainButAnchorMismatchExits1()
    {
        var anchor = (await _audit.VerifyAsync()).HeadHashHex;
        // Whoever can write the whole file can write a new, self-consistent chain: only the anchor tells.
        foreach (var file in Directory.GetFiles(_audit.Directory, "audit.db*"))
        {
            File.Delete(file);
        }

        await _audit.WriteRecordsAsync(12);

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}", $"--anchor=10:{anchor}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(1, exit);
        Assert.StartsWith("TAMPERED: the chain no longer passes through the anchored record seq 10", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AnchorBeyondTheHead_RecordsRemovedExits1()
    {
        var head = (await _audit.VerifyAsync()).HeadHashHex;

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}", "--anchor", $"11:{head}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(1, exit);
        Assert.Contains("no longer reaches the anchored record seq 11", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("0:00")]
    [InlineData("x:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("10:zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("10:00")]
    public async Task RunAsync_MalformedAnchor_UsageErrorExits2(string anchor)
    {
        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}", "--anchor", anchor], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(2, exit);
        Assert.Contains("--anchor needs SEQ:HASH", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_PathBeforeVerbOrAsSeparateValue_IsUsed(bool inline)
    {
        string[] args = inline ? [$"--Audit:Path={_audit.Path}", "verify"] : ["verify", "--Audit:Path", _audit.Path];

        var exit = await AuditCommand.RunAsync(args, Configuration("/nonexistent/audit.db"), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(0, exit);
        Assert.StartsWith("OK: 10 records", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PathOnlyInConfiguration_IsUsed()
    {
        var exit = await AuditCommand.RunAsync(["verify"], Configuration(_audit.Path), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task RunAsync_TamperedFile_PrintsWhatAndWhereAndExits1()
    {
        _audit.Tamper(records => records.Select(r => r.Sequence == 7 ? r with { Result = "INVALID" } : r));

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(1, exit);
        Assert.Equal("TAMPERED: record seq 7 was altered: its hash does not match its content and its place in the chain", _output.ToString().Trim());
    }

    [Fact]
    public async Task RunAsync_MissingFile_SaysSoAndExits1()
    {
        var missing = Path.Combine(_audit.Directory, "missing.db");

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={missing}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(1, exit);
        Assert.Contains($"No audit file at {missing}", _output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(missing)); // verifying never creates a file
    }

    [Fact]
    public async Task RunAsync_NotAnAuditFile_SaysSoAndExits1()
    {
        var garbage = Path.Combine(_audit.Directory, "garbage.db");
        await File.WriteAllTextAsync(garbage, new string('x', 4096), Ct);

        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={garbage}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(1, exit);
        Assert.Contains("Cannot read", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("check")]
    [InlineData("verify", "--force")]
    [InlineData("verify", "verify")]
    [InlineData("verify", "--Audit:Path=")]
    public async Task RunAsync_BadArguments_PrintsUsageAndExits2(params string[] args)
    {
        var exit = await AuditCommand.RunAsync(args, Configuration(_audit.Path), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(2, exit);
        Assert.Contains("Usage: audit verify", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsageAndExits0()
    {
        var exit = await AuditCommand.RunAsync(["--help"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("Usage: audit verify", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AboveProgressThreshold_PrintsALinePerTenPercent()
    {
        var exit = await AuditCommand.RunAsync(["verify", $"--Audit:Path={_audit.Path}"], Configuration(), AuditEngine.OpenReadOnlyTrail, _output, progressThreshold: 5, Ct);

        Assert.Equal(0, exit);
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["10%  1/10 records checked", "20%  2/10 records checked"], lines[..2]);
        Assert.Equal(11, lines.Length); // 10 % .. 90 %, then the verdict and the anchor
        Assert.StartsWith("OK: 10 records", lines[^2], StringComparison.Ordinal);
        Assert.StartsWith("Anchor of this head", lines[^1], StringComparison.Ordinal);
    }
}
