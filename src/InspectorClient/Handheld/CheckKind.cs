namespace ELicense.Inspector.Handheld;

/// <summary>What a check in the shift history was.</summary>
public enum CheckKind
{
    /// <summary>A scanned credential (QR text, or a QR image).</summary>
    Scan,

    /// <summary>A lookup by licence number, with a purpose.</summary>
    Lookup,

    /// <summary>A vehicle check by plate.</summary>
    Vehicle,

    /// <summary>A transfer eligibility check by plate.</summary>
    Transfer,

    /// <summary>A list of a licence's or a plate's violations.</summary>
    Violations,
}
