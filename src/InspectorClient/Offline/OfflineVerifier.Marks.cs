using ELicense.Core.Credentials;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Inspector.Offline;

// Inspection marks offline: the same decoder over the same cached keys, under the mark policy the server published.
public sealed partial class OfflineVerifier
{
    /// <summary>Checks an inspection mark (<paramref name="payload"/>, "EVM1:…"); never throws for a hostile payload.</summary>
    public VehicleCheck VerifyMark(string? payload) => VerifyMark(payload, out _);

    /// <summary>
    /// Checks an inspection mark, saying in <paramref name="notChecked"/> when nothing could be checked, and why.
    /// A genuine, unexpired mark is VALID as signed: its expiry is the end of the inspection's validity, so the
    /// signature and the time window are all the handheld can check. Its live status (stolen, seized, insurance,
    /// an inspection revoked since) is not known here; the console labels the answer offline.
    /// </summary>
    public VehicleCheck VerifyMark(string? payload, out NotCheckedOffline notChecked)
    {
        var now = _time.GetUtcNow();
        notChecked = ClockSetBack(now) ? NotCheckedOffline.ClockSetBack
            : _markDecoder is null ? NotCheckedOffline.NoUsablePolicy
            : NotCheckedOffline.None;
        if (notChecked == NotCheckedOffline.ClockSetBack)
        {
            return new VehicleCheck { Verdict = VehicleVerdict.StatusUnavailable, Message = ClockSetBackDetail(now) };
        }

        if (notChecked == NotCheckedOffline.NoUsablePolicy)
        {
            // As for licences: the server's limits for marks are unknown here, and guessing them could confirm a mark it refuses.
            return new VehicleCheck
            {
                Verdict = VehicleVerdict.StatusUnavailable,
                Message = $"Not checked offline: {_markPolicyProblem}. Fetch the issuer keys again while online, then check again.",
            };
        }

        var check = _markDecoder!.Verify(payload, now);
        var result = new VehicleCheck { Message = check.Detail };
        if (check.Claims is { } claims)
        {
            result.Mark = MarkVerdicts.Info(claims, check.Key!);
        }

        if (check.Status != CredentialStatus.Genuine)
        {
            result.Verdict = MarkVerdicts.Of(check.Status);
            return result;
        }

        result.Verdict = VehicleVerdict.Valid;
        result.Message = "Genuine inspection mark, inspection valid as signed. Live status (stolen, seized, insurance) not checked (offline).";
        return result;
    }

    /// <summary>The moment of an offline answer, for the responses that carry one.</summary>
    public Timestamp Now() => Timestamp.FromDateTimeOffset(_time.GetUtcNow());
}
