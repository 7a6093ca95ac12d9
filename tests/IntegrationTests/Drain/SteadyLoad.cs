using System.Collections.Concurrent;
using System.Diagnostics;
using ELicense.Client.Connection;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.IntegrationTests.Drain;

/// <summary>
/// A paced, bounded load through one inspector session: one worker per licence, each alternating a lookup
/// of its licence and a verification of its credential (the same device every time: repeat scans), one call
/// per tick of its own timer. Records every call's latency, every verdict and every failed call.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    /// <summary>The most calls one worker makes: a load that outlives its test still ends.</summary>
    private const int MaxCallsPerWorker = 5_000;

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<double> _latencies = new();
    private readonly ConcurrentQueue<Verdict> _verdicts = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private Task[] _workers = [];
    private int _lookups;
    private int _verifications;

    private SteadyLoad()
    {
    }

    /// <summary>Calls finished so far, failed ones included.</summary>
    public int Completed => _latencies.Count + _failures.Count;

    /// <summary>The failed calls so far (status and detail).</summary>
    public IReadOnlyCollection<string> Failures => _failures.ToArray();

    /// <summary>Starts one worker per licence number and credential, each one call per <paramref name="pace"/>.</summary>
    public static SteadyLoad Start(RpcSession session, IReadOnlyList<string> licenses, IReadOnlyList<string> codes, TimeSpan pace, string device)
    {
        var load = new SteadyLoad();
        load._workers = licenses.Select((license, i) => Task.Run(() => load.RunAsync(session, license, codes[i], pace, device))).ToArray();
        return load;
    }

    /// <summary>Stops the workers (a call in flight finishes) and returns what they recorded.</summary>
    public async Task<Result> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(30));
        return new Result(_lookups, _verifications, [.. _latencies], [.. _verdicts], [.. _failures]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync(RpcSession session, string license, string code, TimeSpan pace, string device)
    {
        using var timer = new PeriodicTimer(pace);
        try
        {
            for (var n = 0; n < MaxCallsPerWorker && await timer.WaitForNextTickAsync(_stop.Token); n++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    if (n % 2 == 0)
                    {
                        await session.CallAsync(o => session.Verification.GetLicenseAsync(
                            new GetLicenseRequest { LicenseNumber = license, Purpose = LookupPurpose.RoadsideCheck }, o), CancellationToken.None);
                        Interlocked.Increment(ref _lookups);
                    }
                    else
                    {
                        var response = await session.VerifyAsync(new VerifyCredentialRequest { QrPayload = code, DeviceId = device }, CancellationToken.None);
                        _verdicts.Enqueue(response.Verdict);
                        Interlocked.Increment(ref _verifications);
                    }

                    _latencies.Enqueue(watch.Elapsed.TotalMilliseconds);
                }
                catch (RpcException e)
                {
                    _failures.Enqueue($"{e.StatusCode}: {e.Status.Detail}");
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped between two calls.
        }
    }

    /// <summary>What a load recorded.</summary>
    public sealed record Result(int Lookups, int Verifications, IReadOnlyList<double> Latencies, IReadOnlyList<Verdict> Verdicts, IReadOnlyList<string> Failures)
    {
        public int Calls => Latencies.Count + Failures.Count;

        /// <summary>The latency (ms) at <paramref name="p"/> (0..1, 1 = max) of the calls that succeeded.</summary>
        public double Percentile(double p)
        {
            if (Latencies.Count == 0)
            {
                return 0;
            }

            var sorted = Latencies.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
