using System.Collections.Concurrent;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// What a load loop's calls came back with, by outcome: answers (by method and the result the audit trail
/// records for them), honest refusals (UNAVAILABLE with RetryInfo), calls whose outcome the client cannot
/// know (its deadline passed), and anything else — which no fault may produce.
/// </summary>
internal sealed class CallLedger
{
    private readonly ConcurrentDictionary<(string Method, string Result), int> _answered = new();
    private readonly ConcurrentQueue<string> _dishonest = new();
    private int _unavailable;
    private int _unknown;
    private int _stale;

    /// <summary>Answers by (method, recorded result): each must have its audit record.</summary>
    public IReadOnlyDictionary<(string Method, string Result), int> Answered => _answered;

    public int AnsweredCount => _answered.Values.Sum();

    public int Unavailable => Volatile.Read(ref _unavailable);

    /// <summary>Calls cut by the client's own deadline: answered or not, recorded or not, the client cannot know.</summary>
    public int Unknown => Volatile.Read(ref _unknown);

    public int Stale => Volatile.Read(ref _stale);

    /// <summary>Outcomes that are not among the honest answers, described.</summary>
    public IReadOnlyCollection<string> Dishonest => _dishonest;

    public void Answer(string method, string result) => _answered.AddOrUpdate((method, result), 1, (_, n) => n + 1);

    /// <summary>Files a lookup's answer: a stale one must carry its age.</summary>
    public void Lookup(GetLicenseResponse response)
    {
        CheckFreshness(response.Freshness, "GetLicense");
        Answer("GetLicense", "OK");
    }

    /// <summary>Files a verification: VALID (fresh, or stale with its age) or STATUS_UNAVAILABLE; nothing else for a genuine, unrevoked credential.</summary>
    public void Verification(VerifyCredentialResponse response)
    {
        if (response.Verdict is not (Verdict.Valid or Verdict.StatusUnavailable))
        {
            _dishonest.Enqueue($"VerifyCredential answered {response.Verdict}: {response.Message}");
        }

        if (response.Verdict == Verdict.Valid)
        {
            CheckFreshness(response.Freshness, "VerifyCredential");
        }

        Answer("VerifyCredential", response.Verdict.ToString());
    }

    public void Failure(RpcException e)
    {
        if (FaultCalls.IsUnavailableWithRetryInfo(e))
        {
            Interlocked.Increment(ref _unavailable);
        }
        else if (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
        {
            Interlocked.Increment(ref _unknown);
        }
        else
        {
            _dishonest.Enqueue($"{e.StatusCode}: {e.Status.Detail}");
        }
    }

    private void CheckFreshness(Freshness? freshness, string method)
    {
        if (freshness is { Stale: true })
        {
            Interlocked.Increment(ref _stale);
            if (freshness.Age is null || freshness.Age.ToTimeSpan() <= TimeSpan.Zero)
            {
                _dishonest.Enqueue($"{method} answered stale without its age");
            }
        }
    }

    public override string ToString() =>
        $"{AnsweredCount} answered ({Stale} stale), {Unavailable} UNAVAILABLE with RetryInfo, {Unknown} cut by the client's deadline, {_dishonest.Count} dishonest";
}
