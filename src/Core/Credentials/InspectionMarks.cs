using System.Security.Cryptography;
using System.Text;
using ELicense.Core.Masking;
using ELicense.V1;

namespace ELicense.Core.Credentials;

/// <summary>
/// How an inspection mark is made from a vehicle record: the server's issuer and the load generator
/// (which mints marks from the keys file) both use it, so a benchmark's marks are the server's marks.
/// </summary>
public static class InspectionMarks
{
    /// <summary>Digits of a mark number.</summary>
    public const int NumberLength = 12;

    /// <summary>
    /// The claims of the mark for <paramref name="vehicle"/> issued at <paramref name="now"/>, or null when the
    /// vehicle has no inspection validity to put on it. Expiry is the end of the inspection's last valid day
    /// in China time; the caller refuses a mark whose period is already over.
    /// </summary>
    public static InspectionMarkClaims? ClaimsFor(Vehicle vehicle, string issuer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        if (vehicle.InspectionValidUntilDate is null || vehicle.Plate is null)
        {
            return null;
        }

        var validUntil = vehicle.InspectionValidUntilDate.ToDateOnly();
        // CWT times are whole seconds; truncating keeps the response's issue time equal to the claim.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var mark = new InspectionMark
        {
            MarkNumber = Number(vehicle.Vin, validUntil),
            Plate = vehicle.Plate.Clone(),
            VehicleType = vehicle.VehicleType,
            MaskedVin = Masks.Vin(vehicle.Vin),
            InspectionValidUntilDate = vehicle.InspectionValidUntilDate.Clone(),
            IssuingOffice = Office(vehicle.Plate.Number),
        };
        return new InspectionMarkClaims(issuer, issuedAt, ExpiresAt(validUntil), RandomNumberGenerator.GetBytes(CredentialClaims.TokenIdLength), mark);
    }

    /// <summary>The moment a mark valid until <paramref name="validUntil"/> expires: the next day's start, China time.</summary>
    public static DateTimeOffset ExpiresAt(DateOnly validUntil) =>
        new(validUntil.AddDays(1).ToDateTime(TimeOnly.MinValue), Dates.ChinaOffset);

    /// <summary>
    /// The mark number of a vehicle's inspection period: derived from the VIN and the period, so a mark
    /// issued again for the same period (a new phone, a reprint) carries the same number, and a new period
    /// a new one. Not a secret and not an identifier of the holder: the VIN it is hashed from is on the car.
    /// </summary>
    public static string Number(string vin, DateOnly validUntil)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"elicense-mark-v1|{vin}|{validUntil:yyyy-MM-dd}"), hash);
        var value = BitConverter.ToUInt64(hash[..8]) % 1_000_000_000_000UL;
        return value.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The issuing vehicle administration office: the plate's province character and office letter ("京A").</summary>
    public static string Office(string plateNumber) => plateNumber.Length >= 2 ? plateNumber[..2] : plateNumber;
}
