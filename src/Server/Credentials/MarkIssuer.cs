using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Core.Rules;
using ELicense.V1;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Credentials;

/// <summary>A freshly signed inspection mark.</summary>
public sealed record IssuedMark(string QrPayload, string MarkNumber, string TokenIdHex, string KeyIdHex, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Why a vehicle cannot get a mark right now (the registry API turns it into FAILED_PRECONDITION).</summary>
public enum MarkRefusal
{
    /// <summary>The mark can be issued.</summary>
    None,
    /// <summary>No inspection validity is recorded, or it ended before today (China time).</summary>
    InspectionNotValidToday,
    /// <summary>
    /// The inspection runs further ahead than Credentials:MarkMaxLifetime: a mark that long would be refused
    /// by every verifier as malformed, so none is signed.
    /// </summary>
    ValidityBeyondMarkLifetime,
    /// <summary>
    /// The vehicle is stolen, seized, cancelled or transferred out: a handheld offline trusts a mark's signed
    /// data, so a fresh mark for such a vehicle would verify offline for years. None is signed.
    /// </summary>
    VehicleNotNormal,
}

/// <summary>
/// Signs inspection marks: Core's claims for the vehicle (<see cref="InspectionMarks.ClaimsFor"/>, the same the
/// load generator mints) in a COSE_Sign1 with the ring's signing key, Base45 behind the "EVM1:" prefix.
/// </summary>
public sealed class MarkIssuer(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    private readonly CredentialOptions _options = options.Value;

    /// <summary>Whether <paramref name="vehicle"/> may get a mark at <paramref name="now"/>; None when it may.</summary>
    public MarkRefusal Check(Vehicle vehicle, DateTimeOffset now)
    {
        if (!VehicleRules.InspectionValid(vehicle, Dates.ChinaToday(now)))
        {
            return MarkRefusal.InspectionNotValidToday;
        }

        if (vehicle.Statuses.Any(s => s is VehicleStatus.Stolen or VehicleStatus.Seized or VehicleStatus.Cancelled or VehicleStatus.TransferredOut))
        {
            return MarkRefusal.VehicleNotNormal;
        }

        var expires = InspectionMarks.ExpiresAt(vehicle.InspectionValidUntilDate.ToDateOnly());
        // The claim's issue time is whole seconds; measured from it, as the verifier measures.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return expires - issuedAt > _options.MarkMaxLifetime ? MarkRefusal.ValidityBeyondMarkLifetime : MarkRefusal.None;
    }

    /// <summary>Signs the mark for <paramref name="vehicle"/>; throws when <see cref="Check"/> refuses it (callers check first).</summary>
    public IssuedMark Issue(Vehicle vehicle)
    {
        var now = time.GetUtcNow();
        var refusal = Check(vehicle, now);
        if (refusal != MarkRefusal.None)
        {
            throw new InvalidOperationException($"No mark can be issued for this vehicle: {refusal}.");
        }

        var claims = InspectionMarks.ClaimsFor(vehicle, _options.Issuer, now)
            ?? throw new InvalidOperationException("The vehicle has no plate or inspection validity.");
        var key = keyRing.SigningKey;
        var payload = CredentialEncoder.Sign(claims.Encode(), key.Signer, key.KeyId, CredentialPolicy.MarkPrefix);
        return new IssuedMark(payload, claims.Mark.MarkNumber, Convert.ToHexStringLower(claims.TokenId), key.KeyIdHex, claims.IssuedAt, claims.ExpiresAt);
    }
}
