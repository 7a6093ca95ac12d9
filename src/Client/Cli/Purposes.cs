using System.Diagnostics.CodeAnalysis;
using ELicense.V1;

namespace ELicense.Client.Cli;

/// <summary>Parses the lookup purpose given with --purpose (purpose limitation: a lookup by number states why).</summary>
public static class Purposes
{
    /// <summary>The accepted spellings, for help and error texts.</summary>
    public const string Accepted =
        "roadside-check, violation-handling, transfer-registration, qualification-proof, other-public-service (or 1-5)";

    /// <summary>
    /// Parses the kebab-case names above, the numbers 1 to 5, and the contract's enum names
    /// (LOOKUP_PURPOSE_ROADSIDE_CHECK, ROADSIDE_CHECK, RoadsideCheck), case-insensitively.
    /// UNSPECIFIED (0) is never accepted: it is what a missing purpose looks like.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LookupPurpose? purpose)
    {
        var key = Normalise(text);
        if (key.StartsWith("LOOKUPPURPOSE", StringComparison.Ordinal))
        {
            key = key["LOOKUPPURPOSE".Length..];
        }

        purpose = key switch
        {
            "1" or "ROADSIDECHECK" => LookupPurpose.RoadsideCheck,
            "2" or "VIOLATIONHANDLING" => LookupPurpose.ViolationHandling,
            "3" or "TRANSFERREGISTRATION" => LookupPurpose.TransferRegistration,
            "4" or "QUALIFICATIONPROOF" => LookupPurpose.QualificationProof,
            "5" or "OTHERPUBLICSERVICE" => LookupPurpose.OtherPublicService,
            _ => null,
        };
        return purpose is not null;
    }

    /// <summary>The purpose in words, with its Chinese term, e.g. "roadside check (路面查验)"; "—" when unspecified.</summary>
    public static string Describe(LookupPurpose purpose) => purpose switch
    {
        LookupPurpose.RoadsideCheck => "roadside check (路面查验)",
        LookupPurpose.ViolationHandling => "violation handling (违法处理)",
        LookupPurpose.TransferRegistration => "transfer registration (二手车异地交易登记)",
        LookupPurpose.QualificationProof => "qualification proof (驾驶资质证明)",
        LookupPurpose.OtherPublicService => "other public service",
        LookupPurpose.Unspecified => "—",
        _ => "unknown purpose",
    };

    private static string Normalise(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            if (c is not ('-' or '_' or ' '))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }
}
