using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ELicense.Client.Connection;

namespace ELicense.Bench;

/// <summary>
/// Fresh credentials for the verify workload, so that every scan is a first scan (a reused credential
/// would be a repeat or a replay, another path through the server). They are minted with
/// RegistryService.IssueCredential under a registry-role key, before the run as far as possible (minting
/// is not what is measured) and, when the pool runs low or its credentials near expiry, in the
/// background during it. Each is taken once; one within <see cref="ExpiryMargin"/> of expiry is dropped.
/// Licences are drawn with the run's skew.
/// </summary>
public sealed class CredentialPool(
    RegistryService.RegistryServiceClient[] registry,
    Metadata headers,
    string[] licenseNumbers,
    KeySkew skew,
    ulong seed,
    string deviceId,
    TimeSpan? lifetime,
    TimeSpan deadline,
    TimeProvider time)
{
    /// <summary>A credential this close to expiry is not sent: it could expire on the way.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(15);

    private const int MaxAttempts = 50;
    private readonly ConcurrentQueue<Entry> _queue = new();
    private long _mintIndex;
    private long _minted;
    private long _taken;
    private long _expired;
    private long _empty;

    /// <summary>Credentials ready.</summary>
    public int Available => _queue.Count;

    /// <summary>Credentials minted so far.</summary>
    public long Minted => Interlocked.Read(ref _minted);

    /// <summary>Credentials sent.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Credentials dropped unsent because they neared expiry.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Times a request found the pool empty (and was not sent).</summary>
    public long Empty => Interlocked.Read(ref _empty);

    /// <summary>The lifetime the server gave the first credential, once one is minted.</summary>
    public TimeSpan? ObservedLifetime { get; private set; }

    /// <summary>
    /// Mints <paramref name="count"/> credentials, <paramref name="parallelism"/> at a time, over the
    /// connections round robin. A rate-limited or unavailable mint is retried (after the server's RetryInfo
    /// delay when it gives one); any other error (a key without the registry role, an unknown licence) ends
    /// the run before it starts.
    /// </summary>
    public async Task MintAsync(long count, int parallelism, CancellationToken cancellationToken)
    {
        long claimed = 0;
        var workers = Enumerable.Range(0, (int)Math.Clamp(count, 1, parallelism)).Select(async _ =>
        {
            while (Interlocked.Increment(ref claimed) <= count)
            {
                _queue.Enqueue(await MintOneAsync(cancellationToken));
                Interlocked.Increment(ref _minted);
            }
        });
        await Task.WhenAll(workers);
    }

    /// <summary>Takes a credential to send; false when none is left (the request is then not sent).</summary>
    public bool TryTake([NotNullWhen(true)] out VerifyCredentialRequest? request)
    {
        var usableUntil = time.GetUtcNow() + ExpiryMargin;
        while (_queue.TryDequeue(out var entry))
        {
            if (entry.Expires > usableUntil)
            {
                Interlocked.Increment(ref _taken);
                request = entry.Request;
                return true;
            }

            Interlocked.Increment(ref _expired);
        }

        Interlocked.Increment(ref _empty);
        request = null;
        return false;
    }

    /// <summary>
    /// Keeps the pool topped up until <paramref name="stop"/>: every 100 ms, drops credentials near expiry
    /// from the head (they are minted, so they expire, in order) and mints what the next two seconds at
    /// the current pace will take beyond what is there, but never more than the run still needs
    /// (<paramref name="expectedTotal"/>, when known): a pool filled for the whole run mints nothing more.
    /// </summary>
    public async Task RefillAsync(int parallelism, long? expectedTotal, CancellationToken stop)
    {
        var lastTaken = Taken;
        var lastTime = time.GetTimestamp();
        double perSecond = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, stop);
                var now = time.GetTimestamp();
                var taken = Taken;
                var seconds = time.GetElapsedTime(lastTime, now).TotalSeconds;
                perSecond = seconds > 0 ? Math.Max((taken - lastTaken) / seconds, perSecond * 0.8) : perSecond;
                (lastTaken, lastTime) = (taken, now);

                var soon = time.GetUtcNow() + ExpiryMargin + TimeSpan.FromSeconds(5);
                while (_queue.TryPeek(out var head) && head.Expires <= soon && _queue.TryDequeue(out _))
                {
                    Interlocked.Increment(ref _expired);
                }

                var wanted = (long)(perSecond * 2) + 32;
                if (expectedTotal is { } total)
                {
                    wanted = Math.Min(wanted, total - taken);
                }

                wanted -= Available;
                if (wanted > 0)
                {
                    await MintAsync(wanted, parallelism, stop);
                }
            }
        }
        catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // The run is over.
        }
        catch (RpcException ex)
        {
            // Minting stopped working (the key lost its role, the server went away): the pool runs dry, the
            // requests that find it empty count as errors, and the report says why.
            RefillFailure = ex.StatusCode;
        }
    }

    /// <summary>Why minting during the run stopped, or null.</summary>
    public StatusCode? RefillFailure { get; private set; }

    private async Task<Entry> MintOneAsync(CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _mintIndex) - 1;
        var draws = SplitMix.For(seed ^ 0x5EED_C4ED_E47A_1500UL, index);
        var request = new IssueCredentialRequest { LicenseNumber = licenseNumbers[skew.Pick(ref draws, licenseNumbers.Length)] };
        if (lifetime is { } requested)
        {
            request.Lifetime = Duration.FromTimeSpan(requested);
        }

        var client = registry[index % registry.Length];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var call = client.IssueCredentialAsync(request, new CallOptions(headers, time.GetUtcNow().UtcDateTime + deadline, cancellationToken));
                var response = await call;
                var expires = response.ExpireTime.ToDateTimeOffset();
                ObservedLifetime ??= expires - response.IssueTime.ToDateTimeOffset();
                return new Entry(new VerifyCredentialRequest { QrPayload = response.QrPayload, DeviceId = deviceId }, expires);
            }
            catch (RpcException ex) when (attempt < MaxAttempts && (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                || (ex.StatusCode == StatusCode.ResourceExhausted && !cancellationToken.IsCancellationRequested)))
            {
                var wait = RetryPipeline.ServerRetryDelay(ex) ?? TimeSpan.FromMilliseconds(100);
                await Task.Delay(wait, time, cancellationToken);
            }
        }
    }

    private sealed record Entry(VerifyCredentialRequest Request, DateTimeOffset Expires);
}
