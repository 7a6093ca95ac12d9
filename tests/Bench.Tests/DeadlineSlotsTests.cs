using ELicense.Bench;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Bench.Tests;

public sealed class DeadlineSlotsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Current_CallStartedNow_IsCancelledOnceTheDeadlineHasPassedWithinOneSlot()
    {
        using var slots = new DeadlineSlots(TimeSpan.FromSeconds(1), _time, CancellationToken.None);
        var token = slots.Current;

        _time.Advance(TimeSpan.FromMilliseconds(950));
        Assert.False(token.IsCancellationRequested);
        Assert.NotEqual(token, slots.Current);

        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(token.IsCancellationRequested);
        Assert.False(slots.Current.IsCancellationRequested);
    }

    [Fact]
    public void Current_Abort_CancelsEverySlot()
    {
        using var abort = new CancellationTokenSource();
        using var slots = new DeadlineSlots(TimeSpan.FromSeconds(5), _time, abort.Token);
        var first = slots.Current;
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var later = slots.Current;

        abort.Cancel();

        Assert.True(first.IsCancellationRequested);
        Assert.True(later.IsCancellationRequested);
    }
}
