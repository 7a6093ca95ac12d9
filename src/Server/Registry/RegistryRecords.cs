using ELicense.V1;

namespace ELicense.Server.Registry;

/// <summary>A licence and the totals of its unprocessed violations, read in one go.</summary>
public sealed record LicenseRecord(License License, ViolationSummary Violations);

/// <summary>A vehicle and the totals of its plate's unprocessed violations, read in one go.</summary>
public sealed record VehicleRecord(Vehicle Vehicle, ViolationSummary Violations);

/// <summary>Whose violations to list: exactly one of licence number or plate.</summary>
public sealed record ViolationQuery(string? LicenseNumber, Plate? Plate, bool UnprocessedOnly);

/// <summary>Keyset position of the last violation of a page.</summary>
public readonly record struct ViolationCursor(long OccurUnixMs, long RowId);

/// <summary>One page of violations; <see cref="Next"/> is null on the last page.</summary>
public sealed record ViolationPage(IReadOnlyList<Violation> Violations, ViolationCursor? Next, ViolationSummary Summary);

/// <summary>A violation after resolution and the licence it is attributed to.</summary>
public sealed record ResolvedViolation(Violation Violation, License License);

/// <summary>What a write stored, and the change-feed entries it appended.</summary>
public sealed record WriteResult<T>(T Value, IReadOnlyList<RegistryChange> Changes);

/// <summary>What kind of record a change-feed entry names.</summary>
public enum ChangeKind
{
    /// <summary>A licence (or its violation totals); key: the licence number.</summary>
    License = 1,
    /// <summary>A vehicle by plate (or its violation totals); key: <see cref="RegistryKeys.Plate"/>.</summary>
    VehiclePlate = 2,
    /// <summary>A vehicle by VIN; key: the VIN.</summary>
    VehicleVin = 3,
}

/// <summary>One change-feed entry: the record named by (kind, key) changed at this sequence.</summary>
public readonly record struct RegistryChange(long Sequence, ChangeKind Kind, string Key);

/// <summary>Canonical key strings shared by the store's change feed and the caches.</summary>
public static class RegistryKeys
{
    /// <summary>"02:京A12345": the two-digit plate type code, a colon, the plate text.</summary>
    public static string Plate(Plate plate) => $"{(int)plate.Type:D2}:{plate.Number}";
}
