using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Validation;
using ELicense.Server.Verification.Replay;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using ELicense.Core.Credentials;
using ELicense.Core;
using ELicense.Core.Rules;
using ELicense.Server.Registry;

namespace ELicense.Server.Verification;

/// <summary>
/// The verify path: the credential on its own, then the one-use rule, then the live licence, then the
/// verdict. Every early exit is a verdict that is not VALID; VALID is reached only at the very end.
/// </summary>
public sealed class CredentialVerification(
    CredentialVerifier verifier,
    ReplayGuard replayGuard,
    RegistryReader reader,
    IOptions<CredentialOptions> options,
    TimeProvider time)
{
    private readonly TimeSpan _skew = options.Value.MaxClockSkew;

    public async Task<VerifyCredentialResponse> VerifyAsync(string qrPayload, string deviceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var response = new VerifyCredentialResponse { VerifyTime = Timestamp.FromDateTimeOffset(now) };
        var check = verifier.Verify(qrPayload);
        if (check.Claims is { } claims)
        {
            response.Credential = ToInfo(claims, check.Key!);
        }

        if (check.Status != CredentialStatus.Genuine)
        {
            response.Verdict = check.Status switch
            {
                CredentialStatus.Malformed => Verdict.Malformed,
                CredentialStatus.SignatureInvalid => Verdict.SignatureInvalid,
                CredentialStatus.UnknownKey => Verdict.UnknownKey,
                CredentialStatus.Expired => Verdict.CredentialExpired,
                CredentialStatus.NotYetValid => Verdict.CredentialNotYetValid,
                _ => Verdict.Malformed,
            };
            response.Message = check.Detail;
            return response;
        }

        claims = check.Claims!;
        var replay = await replayGuard.CheckAsync(claims.TokenId, response.Credential.TokenId, deviceId, claims.ExpiresAt + _skew, cancellationToken);
        response.ReplayCheck = replay.Authority switch
        {
            ReplayAuthority.Shared => ReplayCheck.Shared,
            ReplayAuthority.SharedIncomplete => ReplayCheck.SharedIncomplete,
            _ => ReplayCheck.LocalOnly,
        };
        if (replay.Outcome == ReplayOutcome.Unverifiable)
        {
            response.Verdict = Verdict.StatusUnavailable;
            response.Message = "Genuine credential, but this server has been cut off from the shared replay store for too long to vouch for one-time use. Do not treat as valid; check again or fall back to the card.";
            return response;
        }

        if (replay.Outcome != ReplayOutcome.FirstScan)
        {
            response.FirstScanTime = Timestamp.FromDateTimeOffset(replay.FirstScanAt);
        }

        if (replay.Outcome == ReplayOutcome.Replayed)
        {
            response.Verdict = Verdict.Replayed;
            response.Message = $"Already scanned by another device at {replay.FirstScanAt:u}.";
            return response;
        }

        response.RepeatScan = replay.Outcome == ReplayOutcome.RepeatScan;
        CacheRead<Internal.LicenseEntry> read;
        try
        {
            read = await reader.GetLicenseAsync(claims.Snapshot.LicenseNumber, cancellationToken);
        }
        catch (RegistryUnavailableException)
        {
            response.Verdict = Verdict.StatusUnavailable;
            response.Message = "Genuine credential, but the licence's live status cannot be read right now. Do not treat as valid.";
            return response;
        }

        var entry = read.Entry;
        response.Freshness = FreshnessInfo.Create(read.Source, entry.AsOfUnixMs, read.Stale, now, read.Bound);
        if (entry.IsNegative)
        {
            response.Verdict = Verdict.LicenseNotFound;
            response.Message = "The registry holds no licence with this number.";
            return response;
        }

        response.License = entry.License;
        response.Violations = entry.Violations;
        var valid = LicenseRules.Evaluate(entry.License, Dates.ChinaToday(now), response.NotValidReasons);
        response.Verdict = valid ? Verdict.Valid : Verdict.LicenseNotValid;
        response.Message = valid
            ? "Valid." + (read.Stale ? " Live status from a stale copy: the registry is unreachable (see freshness)." : "")
                + replay.Authority switch
                {
                    ReplayAuthority.LocalOnly => " Replay check limited to this server: the shared replay store is unreachable.",
                    ReplayAuthority.SharedIncomplete => " Replay check not authoritative: the shared replay store may have lost claims recently, so a reuse may not be caught.",
                    _ => "",
                }
            : "The licence is not valid: " + string.Join(", ", response.NotValidReasons);
        return response;
    }

    private static CredentialInfo ToInfo(CredentialClaims claims, RingKey key) => new()
    {
        TokenId = Convert.ToHexStringLower(claims.TokenId),
        KeyId = key.KeyIdHex,
        Issuer = claims.Issuer,
        IssueTime = Timestamp.FromDateTimeOffset(claims.IssuedAt),
        ExpireTime = Timestamp.FromDateTimeOffset(claims.ExpiresAt),
        Snapshot = claims.Snapshot,
    };
}
