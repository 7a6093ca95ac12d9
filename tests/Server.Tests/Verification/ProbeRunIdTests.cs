using ELicense.Server.Verification.Replay;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>
/// When the heartbeat probe reads the run_id (INFO server, the dearest part of a beat): after every connection failure or
/// moved slot (the detector is suspect then, also right after start) and as a backstop every 16th round.
/// </summary>
public sealed class ProbeRunIdTests
{
    [Fact]
    public void ReadsRunIds_Suspect_EveryRound()
    {
        var detector = new ClaimLossDetector(Microsoft.Extensions.Options.Options.Create(new Server.Credentials.CredentialOptions()),
            Microsoft.Extensions.Options.Options.Create(new ReplayOptions()), TimeProvider.System);
        detector.ConnectionFailed(); // a restart breaks every connection to the server

        Assert.All(Enumerable.Range(1, ClaimWriteBack.RunIdEvery - 1), round => Assert.True(ClaimWriteBack.ReadsRunIds(detector.Suspicion, round)));
    }

    [Fact]
    public void ReadsRunIds_NothingSuspect_OnlyEverySixteenthRound()
    {
        var detector = new ClaimLossDetector(Microsoft.Extensions.Options.Options.Create(new Server.Credentials.CredentialOptions()),
            Microsoft.Extensions.Options.Options.Create(new ReplayOptions()), TimeProvider.System);
        detector.ConnectionFailed();
        var suspicion = detector.Suspicion;
        detector.Probed(suspicion, new ClaimContext("", "", 0, 0, 0)); // a probe started afterwards reached every bucket

        var reads = Enumerable.Range(0, 3 * ClaimWriteBack.RunIdEvery).Where(round => ClaimWriteBack.ReadsRunIds(detector.Suspicion, round)).ToList();

        Assert.Equal([0, ClaimWriteBack.RunIdEvery, 2 * ClaimWriteBack.RunIdEvery], reads);
    }
}
