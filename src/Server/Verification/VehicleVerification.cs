using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Core.Rules;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Verification;

/// <summary>
/// The vehicle check: a scanned inspection mark on its own, then the live vehicle it names, then the road
/// rules on the live record — or the live vehicle by plate or VIN when no mark is shown. There is no
/// one-use rule: a mark is long-lived and may be shown, forwarded or printed any number of times. Every
/// early exit is a verdict that is not VALID; VALID is reached only at the very end.
/// </summary>
public sealed class VehicleVerification(MarkVerifier verifier, RegistryReader reader, TimeProvider time)
{
    /// <summary>Checks a scanned mark (the "EVM1:" text); a bad mark is a verdict, never an exception.</summary>
    public async Task<VehicleCheck> VerifyMarkAsync(string qrPayload, CancellationToken cancellationToken)
    {
        var check = new VehicleCheck();
        var verified = verifier.Verify(qrPayload);
        if (verified.Claims is { } claims)
        {
            // Also for an expired or not-yet-valid mark: the officer sees what it says and why it fails.
            check.Mark = MarkVerdicts.Info(claims, verified.Key!);
        }

        if (verified.Status != CredentialStatus.Genuine)
        {
            check.Verdict = MarkVerdicts.Of(verified.Status);
            check.Message = verified.Detail;
            return check;
        }

        var mark = verified.Claims!.Mark;
        return await LiveAsync(check, mark, mark.Plate, null, cancellationToken);
    }

    /// <summary>Checks the live vehicle named by <paramref name="plate"/> or <paramref name="vin"/> (validated by the caller).</summary>
    public Task<VehicleCheck> CheckAsync(Plate? plate, string? vin, CancellationToken cancellationToken) =>
        LiveAsync(new VehicleCheck(), null, plate, vin, cancellationToken);

    private async Task<VehicleCheck> LiveAsync(VehicleCheck check, InspectionMark? mark, Plate? plate, string? vin, CancellationToken cancellationToken)
    {
        CacheRead<VehicleEntry> read;
        try
        {
            read = plate is not null
                ? await reader.GetVehicleByPlateAsync(plate, cancellationToken)
                : await reader.GetVehicleByVinAsync(vin!, cancellationToken);
        }
        catch (RegistryUnavailableException)
        {
            check.Verdict = VehicleVerdict.StatusUnavailable;
            check.Message = (mark is null ? "" : "Genuine mark, but ")
                + "the vehicle's live status cannot be read right now (registry unreachable, nothing cached). Do not treat as valid; check again later.";
            return check;
        }

        var now = time.GetUtcNow();
        var entry = read.Entry;
        check.Freshness = FreshnessInfo.Create(read.Source, entry.AsOfUnixMs, read.Stale, now, read.Bound);
        if (entry.IsNegative)
        {
            check.Verdict = VehicleVerdict.NotFound;
            check.Message = mark is null
                ? "The registry holds no vehicle with this " + (plate is not null ? "plate and plate type." : "VIN.")
                : "Genuine mark, but the registry holds no vehicle under its plate and plate type.";
            return check;
        }

        var valid = VehicleRoadRules.Evaluate(entry.Vehicle, mark, Dates.ChinaToday(now), check.NotValidReasons);
        // A mark that does not describe the vehicle now under its plate: that vehicle is not the one presented,
        // so its owner, statuses and violations are not shown as if they were (as the transfer path does).
        if (!check.NotValidReasons.Contains(VehicleNotValidReason.MarkMismatch))
        {
            check.Vehicle = entry.Vehicle;
            check.Violations = entry.Violations;
        }

        check.Verdict = valid ? VehicleVerdict.Valid : VehicleVerdict.NotValid;
        check.Message = valid
            ? "Valid." + (read.Stale ? " Live status from a stale copy: the registry is unreachable (see freshness)." : "")
            : "The vehicle may not be driven: " + VehicleRoadRules.Explain(check.NotValidReasons) + "."
                + (read.Stale ? " (Stale copy: the registry is unreachable.)" : "");
        return check;
    }
}
