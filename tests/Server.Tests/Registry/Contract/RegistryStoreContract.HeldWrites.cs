using ELicense.Server.Registry;
using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>
/// One write held open inside its transaction (a test hook) while another writer goes on: the race a
/// change feed built on commit-order-blind numbers (a database sequence) loses, and the idempotency race
/// of two calls with one request id. Engines with one writer at a time run the same steps, serialized.
/// </summary>
public abstract partial class RegistryStoreContract
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GetChanges_WriteHeldOpenAcrossAnothersCommit_FollowerSeesBothChanges()
    {
        await using var engine = CreateEngine();
        var fast = await engine.OpenStoreAsync();
        var follower = await engine.OpenStoreAsync();
        await fast.UpsertLicenseAsync(License(HolderA), Ct);
        var last = await follower.GetLatestChangeSequenceAsync(Ct);
        using var hold = new HeldWrite();
        var slow = await engine.OpenStoreAsync(hold.InsideWrite);

        // The slow writer revokes HolderA and stops inside its transaction, rows written, not committed.
        var revoke = Task.Run(() => slow.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, Ct), Ct);
        await hold.Entered.WaitAsync(Bound, Ct);
        var other = Task.Run(() => fast.UpsertLicenseAsync(License(HolderB), Ct), Ct);
        var seen = new List<RegistryChange>();
        if (!engine.SingleWriter)
        {
            // The other write commits while the first is still open; the follower reads it and moves on.
            var committed = await other.WaitAsync(Bound, Ct);
            var page = await follower.GetChangesAsync(last, 100, Ct);
            Assert.Equal(committed.Changes, page);
            Assert.Equal(page[^1].Sequence, await follower.GetLatestChangeSequenceAsync(Ct));
            Assert.Equal(LicenseStatus.Normal, (await follower.GetLicenseAsync(HolderA, Ct))!.License.Status);
            seen.AddRange(page);
            last = page[^1].Sequence;
        }

        hold.Release();
        var revoked = await revoke.WaitAsync(Bound, Ct);
        var both = await other.WaitAsync(Bound, Ct);

        // Reading on from where it was, the follower gets the late commit too: nothing surfaced behind it.
        seen.AddRange(await follower.GetChangesAsync(last, 100, Ct));
        Assert.Equal(revoked!.Changes.Concat(both.Changes).OrderBy(c => c.Sequence), seen);
        Assert.Contains(seen, c => c.Kind == ChangeKind.License && c.Key == HolderA);
        Assert.Equal(seen[^1].Sequence, await follower.GetLatestChangeSequenceAsync(Ct));
        Assert.Equal(LicenseStatus.Revoked, (await follower.GetLicenseAsync(HolderA, Ct))!.License.Status);
    }

    [Fact]
    public async Task RecordViolation_SameRequestIdWhileTheFirstIsUncommitted_ReturnsTheFirstOnce()
    {
        await using var engine = CreateEngine();
        var second = await engine.OpenStoreAsync();
        using var hold = new HeldWrite();
        var first = await engine.OpenStoreAsync(hold.InsideWrite);

        var recording = Task.Run(() => first.RecordViolationAsync(Violation(PlateA, Start), "req-held", Ct), Ct);
        await hold.Entered.WaitAsync(Bound, Ct);
        var repeat = Task.Run(() => second.RecordViolationAsync(Violation(PlateA, Start), "req-held", Ct), Ct);
        if (!engine.SingleWriter)
        {
            // The repeat got past its look-up (nothing committed yet) and waits on the first's request id.
            Assert.True(await engine.WaitForLockWaitAsync(Bound), "the repeated call never waited for the first");
            Assert.False(repeat.IsCompleted);
        }

        hold.Release();
        var recorded = await recording.WaitAsync(Bound, Ct);
        var repeated = await repeat.WaitAsync(Bound, Ct);

        Assert.Equal(recorded.Value, repeated.Value);
        Assert.NotEmpty(recorded.Changes);
        Assert.Empty(repeated.Changes);
        Assert.Single((await second.ListViolationsAsync(new ViolationQuery(null, PlateA, false), null, 10, Ct)).Violations);
        Assert.Equal(recorded.Changes, await second.GetChangesAsync(0, 100, Ct));
    }

    /// <summary>Stops the first write that reaches it until released; later writes pass.</summary>
    private sealed class HeldWrite : IDisposable
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed = 1;

        public Task Entered => _entered.Task;

        public async Task InsideWrite(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _entered.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }
        }

        public void Release() => _released.TrySetResult();

        // A failed assertion must not leave the held write (and its transaction) stuck.
        public void Dispose() => Release();
    }
}
