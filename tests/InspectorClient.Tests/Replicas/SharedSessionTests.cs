using ELicense.Client.Connection;
using ELicense.Inspector.Commands;

namespace ELicense.Inspector.Tests.Replicas;

/// <summary>
/// The console's quiet session (fewer retries, no notes) over the command's own: one channel and one health
/// poller for both, not a second poller asking every replica again.
/// </summary>
public sealed class SharedSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConnectionOptions Options(params string[] servers)
    {
        var settings = new GlobalSettings { Server = servers, Retries = 3 };
        Assert.True(ConnectionOptions.TryResolve(settings, _ => null, "H", out var options, out var error), error);
        return options;
    }

    [Fact]
    public void WithRetries_SeveralServers_SharesTheHealthPollerWithOtherRetries()
    {
        // Nothing listens on these ports; the channel connects lazily and the health checks only fail.
        using var session = new RpcSession(Options("http://127.0.0.1:9", "http://127.0.0.1:10"));
        using var quiet = session.WithRetries(1);

        Assert.NotNull(session.Health);
        Assert.Same(session.Health, quiet.Health);
        Assert.Equal(1, quiet.Options.Retries);
        Assert.Equal(3, session.Options.Retries);
        Assert.Equal(session.Options.Servers, quiet.Options.Servers);
    }

    [Fact]
    public async Task WithRetries_QuietSessionDisposed_CommandSessionStillPolls()
    {
        using var session = new RpcSession(Options("http://127.0.0.1:9", "http://127.0.0.1:10"));
        var health = session.Health!;
        session.WithRetries(1).Dispose();

        // Two rounds end (refused connections answer at once) after the quiet session is gone: the first may
        // have been under way already, the second starts on the poller's timer, which a wrongly disposed
        // poller no longer runs.
        var rounds = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        health.Polled += () =>
        {
            if (Interlocked.Increment(ref rounds) >= 2)
            {
                second.TrySetResult();
            }
        };
        await second.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.Equal([ReplicaState.Unanswered, ReplicaState.Unanswered], health.States());
    }

    [Fact]
    public void Dispose_BalancedSessionTwice_DoesNotThrow()
    {
        var session = new RpcSession(Options("http://127.0.0.1:9", "http://127.0.0.1:10"));
        var quiet = session.WithRetries(1);

        quiet.Dispose();
        quiet.Dispose();
        session.Dispose();
        session.Dispose();
    }

    [Fact]
    public async Task WithRetries_CommandSessionDisposed_QuietSessionCallThrowsObjectDisposed()
    {
        var session = new RpcSession(Options("http://127.0.0.1:9", "http://127.0.0.1:10"));
        using var quiet = session.WithRetries(0);
        session.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            quiet.CallAsync(o => quiet.Verification.ListIssuerKeysAsync(new ELicense.V1.ListIssuerKeysRequest(), o), Ct));
    }

    [Fact]
    public void WithRetries_OneServer_NoPollerEither()
    {
        using var session = new RpcSession(Options("http://127.0.0.1:9"));
        using var quiet = session.WithRetries(0);

        Assert.Null(quiet.Health);
        Assert.Equal(0, quiet.Options.Retries);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ConnectionOptions.MaxRetries + 1)]
    public void WithRetries_OutOfRange_Throws(int retries)
    {
        using var session = new RpcSession(Options("http://127.0.0.1:9"));

        Assert.Throws<ArgumentOutOfRangeException>(() => session.WithRetries(retries));
    }
}
