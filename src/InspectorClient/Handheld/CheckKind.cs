using ELicense.Inspector.Localization;

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

    /// <summary>A scanned inspection mark, on its own.</summary>
    Mark,

    /// <summary>A roadside pair: the licence and the vehicle (its mark or its plate) with the match, one answer.</summary>
    Roadside,
}

/// <summary>The words for a <see cref="CheckKind"/>: the console's enum stays here, the words in <see cref="UiText"/>.</summary>
public static class CheckKinds
{
    /// <summary>The history's name for <paramref name="kind"/>, e.g. "scan" / "扫码".</summary>
    public static string Describe(this CheckKind kind, UiText text) => kind switch
    {
        CheckKind.Scan => text.KindScan,
        CheckKind.Lookup => text.KindLookup,
        CheckKind.Vehicle => text.KindVehicle,
        CheckKind.Transfer => text.KindTransfer,
        CheckKind.Violations => text.KindViolations,
        CheckKind.Mark => text.KindMark,
        CheckKind.Roadside => text.KindRoadside,
        _ => text.KindOther,
    };
}
