using System.Diagnostics;
using System.Globalization;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;

namespace ELicense.IntegrationTests;

/// <summary>
/// Random schedules of Redis kills, freezes and restarts while several devices scan and replay across
/// two replicas. The seed is printed; set ELICENSE_REPLAY_SEED to run a schedule again.
/// </summary>
public sealed class ReplayScheduleTests : IAsyncLifetime
{
    private const string SeedVariable = "ELICENSE_REPLAY_SEED";
    private const int MaxSchedules = 6;
    private const int StepsPerSchedule = 40;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(14); // one fault's hold and the last heal take at most 10 s more
    private static readonly string[] Devices = ["hh-1", "hh-2", "hh-3", "hh-4"];

    // A freeze is held until peers count as silent (and a breaker opened): shorter ones fall in the window
    // README documents — a replica cannot announce while Redis is away, nor be missed before it is silent.
    // Shorter than the default (5 s), to fit more schedules into the time bound.
    private static readonly TimeSpan PeerSilentAfter = TimeSpan.FromSeconds(1.5);

    private PrivateReplicas _replicas = null!;
    private string _licenseNumber = "";
    private readonly Stopwatch _frozenSince = new();

    public async ValueTask InitializeAsync() => _replicas = await PrivateReplicas.StartAsync("replay-schedule",
        [$"--Replay:PeerSilentAfter={PeerSilentAfter:c}"]);

    private enum RedisState { Up, Stopped, Frozen }

    private sealed record Presented(string Payload, string FirstDevice);

    [Fact]
    public async Task VerifyCredential_RandomKillsFreezesRestarts_NoReplayAuthoritativelyValidNoFirstScanReplayed()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        TestContext.Current.SendDiagnosticMessage($"replay schedule seed {seed} (set {SeedVariable}={seed} to run it again)");
        var random = new Random(seed);
        _licenseNumber = (await TestData.CreateLicenseAsync(_replicas.A)).LicenseNumber;
        var presented = new List<Presented>();
        var wrong = new List<string>();
        var (schedules, firsts, replays, repeats, faults, errors) = (0, 0, 0, 0, 0, 0);
        var state = RedisState.Up;
        var clock = Stopwatch.StartNew();

        for (; schedules < MaxSchedules && clock.Elapsed < Budget; schedules++)
        {
            for (var step = 0; step < StepsPerSchedule && clock.Elapsed < Budget; step++)
            {
                var replica = random.Next(2) == 0 ? _replicas.A : _replicas.B;
                var name = ReferenceEquals(replica, _replicas.A) ? "A" : "B";
                var roll = random.Next(100);
                try
                {
                    if (roll < 12)
                    {
                        faults++;
                        state = await FaultAsync(state, random);
                    }
                    else if (roll < 45 || presented.Count == 0)
                    {
                        var device = Devices[random.Next(Devices.Length)];
                        var payload = await TestData.IssueAsync(_replicas.A, _licenseNumber);
                        presented.Add(new Presented(payload, device)); // before the call: a lost answer may still have claimed it
                        var answer = await ScanAsync(replica, payload, device);
                        firsts++;
                        if (answer.Verdict != Verdict.Valid || answer.RepeatScan)
                        {
                            wrong.Add($"first scan by {device} on {name} answered {answer.Verdict} (repeat: {answer.RepeatScan}) / {answer.ReplayCheck}");
                        }
                    }
                    else
                    {
                        var item = presented[random.Next(presented.Count)];
                        var isRepeat = roll >= 85;
                        var device = isRepeat ? item.FirstDevice : Devices.Where(d => d != item.FirstDevice).ElementAt(random.Next(Devices.Length - 1));
                        var answer = await ScanAsync(replica, item.Payload, device);
                        if (isRepeat)
                        {
                            repeats++; // the first presenter again: another device may have replayed it meanwhile, so any answer is fair
                        }
                        else
                        {
                            replays++;
                            if (answer is { Verdict: Verdict.Valid, ReplayCheck: ReplayCheck.Shared })
                            {
                                wrong.Add($"replay by {device} of {item.FirstDevice}'s credential on {name} answered VALID / SHARED");
                            }
                        }
                    }
                }
                catch (RpcException e)
                {
                    errors++;
                    TestContext.Current.SendDiagnosticMessage($"call failed in state {state}: {e.StatusCode}");
                }
            }

            state = await HealAsync(state);
        }

        TestContext.Current.SendDiagnosticMessage(
            $"replay schedules: seed {seed}, {schedules} schedules, {faults} faults, {firsts} first scans, {replays} replays, " +
            $"{repeats} repeats, {errors} failed calls, {wrong.Count} wrong answers, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(schedules > 0 && replays > 0, "The schedule ran no replays: the test proved nothing.");
        Assert.Empty(wrong);
    }

    /// <summary>One random fault from the current state: kill, restart, freeze, thaw.</summary>
    private async Task<RedisState> FaultAsync(RedisState state, Random random)
    {
        var redis = _replicas.Redis;
        switch (state)
        {
            case RedisState.Up when random.Next(2) == 0:
                await redis.StopAsync();
                if (random.Next(2) == 0)
                {
                    await redis.RestartAsync(); // a crash and an immediate restart, empty
                    return RedisState.Up;
                }

                return RedisState.Stopped;
            case RedisState.Up:
                await redis.FreezeAsync();
                _frozenSince.Restart();
                return RedisState.Frozen;
            case RedisState.Stopped:
                await redis.RestartAsync();
                return RedisState.Up;
            case RedisState.Frozen when random.Next(3) == 0:
                await redis.StopAsync(); // killed while frozen
                return RedisState.Stopped;
            default:
                await ThawAfterHoldAsync();
                return RedisState.Up;
        }
    }

    private async Task ThawAfterHoldAsync()
    {
        await TestData.EventuallyAsync(async () =>
        {
            await ScanAsync(_replicas.A, await TestData.IssueAsync(_replicas.A, _licenseNumber), "hh-filler");
            return (BreakerOpen(_replicas.A) || BreakerOpen(_replicas.B)) && _frozenSince.Elapsed > PeerSilentAfter;
        }, TimeSpan.FromSeconds(5));
        await _replicas.Redis.ThawAsync();
    }

    private async Task<RedisState> HealAsync(RedisState state)
    {
        if (state == RedisState.Frozen)
        {
            await ThawAfterHoldAsync();
        }
        else if (state == RedisState.Stopped)
        {
            await _replicas.Redis.RestartAsync();
        }

        return RedisState.Up;
    }

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}
