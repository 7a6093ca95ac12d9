using System.Net;
using ELicense.Server.Credentials;
using ELicense.Server.Tests.Credentials;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>
/// Which buckets' beats read the run_id (INFO server, the dearest part of a beat): every beat, the first bucket of each
/// Redis server, and that one reading judges every bucket the server serves.
/// </summary>
public sealed class ProbeRunIdTests
{
    private static readonly EndPoint One = new IPEndPoint(IPAddress.Loopback, 7001);
    private static readonly EndPoint Two = new IPEndPoint(IPAddress.Loopback, 7002);

    [Fact]
    public void RunIdReaders_SingleServer_OneBucketReads()
    {
        var servers = Enumerable.Repeat<EndPoint?>(One, ReplayKeys.Count).ToArray();

        var readers = ClaimWriteBack.RunIdReaders(servers);

        Assert.Equal([0], Enumerable.Range(0, readers.Length).Where(b => readers[b]));
        Assert.Equal(Enumerable.Range(0, ReplayKeys.Count), ClaimWriteBack.SameServer(servers, 0));
    }

    [Fact]
    public void RunIdReaders_TwoServersAndOneUnknown_OneReaderEachAndTheUnknownReadsItsOwn()
    {
        EndPoint?[] servers = [One, Two, One, null, Two];

        var readers = ClaimWriteBack.RunIdReaders(servers);

        Assert.Equal([true, true, false, true, false], readers);
        Assert.Equal([1, 4], ClaimWriteBack.SameServer(servers, 1));
        Assert.Equal([3], ClaimWriteBack.SameServer(servers, 3));
    }

    [Fact]
    public void ObserveRunId_GroupOnANewRunId_EveryBucketLastSeenWithTheOldOneIsLost()
    {
        var time = new FakeTimeProvider(CredentialTestKit.Start);
        var detector = new ClaimLossDetector(Options.Create(new CredentialOptions()), Options.Create(new ReplayOptions()), time);
        detector.ObserveRunId("run-1", [0, 1]);
        detector.ObserveRunId("run-9", [2]);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(ReplayAuthority.Shared, detector.Authority(nowMs, 0));

        detector.ObserveRunId("run-2", [0, 1, 2]); // bucket 2 moved to this server (a failover): lost too

        Assert.All([0, 1, 2], b => Assert.Equal(ReplayAuthority.SharedIncomplete, detector.Authority(nowMs, b)));
        Assert.Equal(ReplayAuthority.Shared, detector.Authority(nowMs, 3));
    }
}
