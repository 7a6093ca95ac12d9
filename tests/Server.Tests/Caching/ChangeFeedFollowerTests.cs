using ELicense.Server.Caching;
using ELicense.Server.Registry;
using ELicense.Server.Tests.Credentials;
using ELicense.V1;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>
/// The change-feed follower's schedule: a change signal wakes it before its next tick, a burst of signals
/// costs a bounded number of polls, the timer polls with or without signals, and it stops cleanly.
/// </summary>
public sealed partial class ChangeFeedFollowerTests : IAsyncDisposable
{
    [Fact]
    public async Task Signal_WhileWaiting_PollsBeforeTheNextTick()
    {
        var signal = await StartAsync(_latch);
        var idle = await signal.IdleAsync(Ct);

        _latch.Set();

        Assert.Equal(idle + 1, await _store.PollAfterAsync(idle, Ct));
        Assert.Equal(CredentialTestKit.Start, _time.GetUtcNow()); // no tick: the clock never moved
        Assert.Equal(idle + 1, await signal.IdleAsync(Ct));
    }

    [Fact]
    public async Task Signals_ManyDuringAPoll_CoalesceIntoOneMorePoll()
    {
        var signal = await StartAsync(_latch);
        var idle = await signal.IdleAsync(Ct);
        _store.CloseGate();
        _latch.Set();
        await _store.PollAfterAsync(idle, Ct);

        for (var i = 0; i < 100; i++)
        {
            _latch.Set();
        }

        _store.OpenGate();

        // One more poll, not a hundred: the held one may have read before those changes, the next reads them all.
        Assert.Equal(idle + 2, await signal.IdleAsync(Ct));
    }

    [Fact]
    public async Task Timer_NoSignalEver_StillPolls()
    {
        var signal = await StartAsync(new NoRegistryChangeSignal());
        var idle = await signal.IdleAsync(Ct);

        _time.Advance(Interval);
        var first = await _store.PollAfterAsync(idle, Ct);
        _time.Advance(Interval);

        Assert.Equal(first + 1, await _store.PollAfterAsync(first, Ct));
    }

    [Fact]
    public async Task Signal_BetweenTicks_DoesNotPostponeTheNextTick()
    {
        var signal = await StartAsync(_latch);
        var idle = await signal.IdleAsync(Ct);
        _time.Advance(Interval / 2);
        _latch.Set();
        var woken = await signal.IdleAsync(Ct);

        _time.Advance(Interval / 2); // the tick is due at the start plus one interval, wake-up or not

        Assert.Equal(idle + 1, woken);
        Assert.Equal(woken + 1, await _store.PollAfterAsync(woken, Ct));
    }

    [Fact]
    public async Task Signal_AfterFailedPolls_CountsAsASuccessfulPoll()
    {
        _store.Failing = true;
        var signal = await StartAsync(_latch);
        await signal.IdleAsync(Ct);
        var state = _services!.GetRequiredService<InvalidationState>();
        Assert.Equal(InvalidationPath.None, state.Path); // no poll has succeeded yet

        _store.Failing = false;
        _latch.Set();
        await signal.IdleAsync(Ct);

        Assert.Equal(InvalidationPath.FeedOnly, state.Path); // the wake-up poll bounds cached answers like a timer poll
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signal_Failing_TimerStillPolls(bool throwAtOnce)
    {
        var signal = await StartAsync(new FailingSignal(throwAtOnce));
        // The first poll, then one at once: the failed wait ended the follower's wait like a wake-up would.
        var woken = await _store.PollAfterAsync(await _store.PollAfterAsync(0, Ct), Ct);

        _time.Advance(Interval);

        Assert.Equal(woken + 1, await _store.PollAfterAsync(woken, Ct));
        Assert.Equal(1, signal.Waits); // a failed signal is given up, not asked again in a loop
    }

    [Fact]
    public async Task StopAsync_PollHeld_EndsTheLoop()
    {
        var signal = await StartAsync(_latch);
        var idle = await signal.IdleAsync(Ct);
        _store.CloseGate();
        _latch.Set();
        await _store.PollAfterAsync(idle, Ct);

        await _follower!.StopAsync(Ct);

        Assert.True(_follower.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task StopAsync_Waiting_EndsTheLoop()
    {
        var signal = await StartAsync(new NoRegistryChangeSignal());
        await signal.IdleAsync(Ct);

        await _follower!.StopAsync(Ct);

        Assert.True(_follower.ExecuteTask!.IsCompleted);
    }
}
