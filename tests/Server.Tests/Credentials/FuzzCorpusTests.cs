using System.Diagnostics;
using ELicense.Core.Credentials;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// The fuzz harness's smoke check on every test run: the whole seed corpus (licence and mark) replayed through
/// both decoders by the built harness itself (<c>--replay</c>, no AFL), so a seed that stops verifying or an
/// input that became a finding fails here rather than at the next fuzzing campaign.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static readonly string FuzzDirectory = Path.Combine(CwtClaimSetGoldenTests.RepositoryRoot(), "fuzz", "CredentialFuzz");

    private static readonly string Corpus = Path.Combine(FuzzDirectory, "corpus");

    [Fact]
    public async Task Replay_SeedCorpus_NoFindingInEitherDecoder()
    {
        // The solution build builds the harness in the configuration the tests were built in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var harness = Path.Combine(FuzzDirectory, "bin", configuration, "net10.0", "elicense-credential-fuzz.dll");
        Assert.True(File.Exists(harness), $"{harness} is not built (dotnet build ELicense.slnx -c {configuration})");
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", harness, "--replay", Corpus])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        Assert.Contains($"{Directory.GetFiles(Corpus).Length} inputs replayed through the licence and mark decoders: no finding.", await output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("valid-credential", CredentialPolicy.LicensePrefix)]
    [InlineData("valid-mark", CredentialPolicy.MarkPrefix)]
    public void Seeds_CoseFile_IsTheQrTextsBytes(string seed, string prefix)
    {
        var text = File.ReadAllText(Path.Combine(Corpus, seed + ".txt")).Trim();

        Assert.Equal(CoseForge.DecodeCose(text, prefix), File.ReadAllBytes(Path.Combine(Corpus, seed + ".cose")));
    }
}
