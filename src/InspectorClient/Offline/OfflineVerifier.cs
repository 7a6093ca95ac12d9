using System.Globalization;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using ELicense.Core.Credentials;
using ELicense.Core;
using ELicense.Core.Rules;

namespace ELicense.Inspector.Offline;

/// <summary>
/// Checks a credential on the handheld with no connection: Core's one decoder (the server's, see
/// <see cref="CredentialDecoder{TClaims}"/>) over the cached keys, under the policy the server published
/// with them (prefix, maximum length and lifetime, clock skew, issuer). The answer has the server's
/// shape: a verdict, the verified claims, and for a genuine credential the licence rules applied to the
/// signed snapshot (status and validity dates as they were at issue; points are not in the snapshot).
/// What it cannot know — the live status, a reuse on another device — the console says.
/// </summary>
public sealed partial class OfflineVerifier : IDisposable
{
    private readonly CachedIssuerKeys _keys;
    private readonly TimeProvider _time;
    private readonly CachedKeySource _source;
    private readonly CredentialDecoder<CredentialClaims>? _decoder;
    private readonly string _policyProblem;
    private readonly CredentialDecoder<InspectionMarkClaims>? _markDecoder;
    private readonly string _markPolicyProblem;

    /// <summary>Imports the cached keys; keys that are not ES256 P-256 public keys are left out.</summary>
    public OfflineVerifier(CachedIssuerKeys keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
        _source = new CachedKeySource(keys);
        var policy = keys.LicensePolicy(out _policyProblem);
        _decoder = policy is null ? null : new CredentialDecoder<CredentialClaims>(LicenseDocument.Instance, policy, _source, time);
        var markPolicy = keys.MarkPolicy(out _markPolicyProblem);
        _markDecoder = markPolicy is null ? null : new CredentialDecoder<InspectionMarkClaims>(InspectionMarkDocument.Instance, markPolicy, _source, time);
        Limits = ScanLimits.Of(policy, markPolicy);
    }

    /// <summary>The cached policy's prefix and maximum length (Core's defaults when the cache has no usable policy).</summary>
    public ScanLimits Limits { get; }

    /// <summary>The allowed clock skew, as the server published it.</summary>
    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(Math.Clamp(_keys.MaxClockSkewSeconds, 0, 30));

    /// <summary>Checks <paramref name="payload"/>; never throws for a hostile payload.</summary>
    public VerifyCredentialResponse Verify(string? payload) => Verify(payload, out _);

    /// <summary>Checks <paramref name="payload"/>, saying in <paramref name="notChecked"/> when nothing could be checked, and why.</summary>
    public VerifyCredentialResponse Verify(string? payload, out NotCheckedOffline notChecked)
    {
        var now = _time.GetUtcNow();
        // A clock set back lets an expired code back into its window. The keys were fetched by this
        // device's own clock, so a clock that now reads earlier than that (beyond the skew) has been
        // set back: the time window cannot be trusted, and nothing is confirmed offline.
        notChecked = ClockSetBack(now) ? NotCheckedOffline.ClockSetBack
            : _decoder is null ? NotCheckedOffline.NoUsablePolicy
            : NotCheckedOffline.None;
        var response = notChecked == NotCheckedOffline.ClockSetBack
            ? Fail(Verdict.StatusUnavailable, ClockSetBackDetail(now))
            : notChecked == NotCheckedOffline.NoUsablePolicy
                // Without the server's policy the limits it applies are unknown here; guessing them could
                // confirm a credential the server refuses, so nothing is confirmed until the keys are fetched again.
                ? Fail(Verdict.StatusUnavailable, $"Not checked offline: {_policyProblem}. Fetch the issuer keys again while online (the console does so whenever it reaches the server), then check again.")
                : FromCheck(_decoder!.Verify(payload, now), now);
        response.VerifyTime = Timestamp.FromDateTimeOffset(now);
        return response;
    }

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    private bool ClockSetBack(DateTimeOffset now) => now < _keys.FetchedAt - MaxClockSkew;

    private string ClockSetBackDetail(DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture,
        $"This handheld's clock reads {now:yyyy-MM-dd HH:mm:ss}Z, earlier than when its issuer keys were fetched ({_keys.FetchedAt:yyyy-MM-dd HH:mm:ss}Z): expiry cannot be checked offline. Correct the clock, or check online.");

    private static VerifyCredentialResponse FromCheck(CredentialCheck<CredentialClaims> check, DateTimeOffset now)
    {
        var response = new VerifyCredentialResponse { Message = check.Detail };
        if (check.Claims is { } claims)
        {
            response.Credential = CredentialVerdicts.Info(claims, check.Key!);
        }

        if (check.Status != CredentialStatus.Genuine)
        {
            response.Verdict = CredentialVerdicts.Of(check.Status);
            return response;
        }

        // The server's licence rules, applied to what was signed at issue. Points are not signed, so they cannot fail here.
        var snapshot = check.Claims!.Snapshot;
        var asSigned = new License
        {
            LicenseNumber = snapshot.LicenseNumber,
            HolderName = snapshot.HolderName,
            LicenseClass = snapshot.LicenseClass,
            Status = snapshot.Status,
            ValidFromDate = snapshot.ValidFromDate,
            ValidUntilDate = snapshot.ValidUntilDate,
        };
        var valid = LicenseRules.Evaluate(asSigned, Dates.ChinaToday(now), response.NotValidReasons);
        response.Verdict = valid ? Verdict.Valid : Verdict.LicenseNotValid;
        response.Message = valid
            ? "Genuine credential; the signed snapshot is valid. Live status not checked (offline)."
            : "Genuine credential, but the signed snapshot is not valid: " + string.Join(", ", response.NotValidReasons);
        return response;
    }

    private static VerifyCredentialResponse Fail(Verdict verdict, string detail) => new() { Verdict = verdict, Message = detail };
}
