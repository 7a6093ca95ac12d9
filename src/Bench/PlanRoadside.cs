namespace ELicense.Bench;

/// <summary>
/// roadside's vehicles: the key that signs its inspection marks (--mark-key), the issuer they name
/// (--mark-issuer) and the share of calls by plate (--roadside-by-plate).
/// </summary>
internal static class PlanRoadside
{
    /// <summary>The issuer claim when --mark-issuer is not given: the server's default Credentials:Issuer.</summary>
    public const string DefaultIssuer = "ELicense";

    /// <summary>The parsed roadside options.</summary>
    public sealed record Result(string? MarkKeyFile, string MarkIssuer, double PlateShare);

    /// <summary>The roadside options; null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, WorkloadMix mix, out Result roadside)
    {
        roadside = null!;
        var share = RoadsideVehicles.DefaultPlateShare;
        if (s.RoadsideByPlate is not null && !BenchText.TryParseFraction("--roadside-by-plate", s.RoadsideByPlate, out share, out var message))
        {
            return message;
        }

        var keyFile = string.IsNullOrWhiteSpace(s.MarkKey) ? null : s.MarkKey.Trim();
        if (mix.Contains(Workload.Roadside) && share < 1 && keyFile is null)
        {
            return "roadside sends inspection marks, minted here from the --keys file's vehicle records: give --mark-key (the issuer's PKCS#8 PEM private key, e.g. the server's Credentials:DevelopmentKeyPath), or --roadside-by-plate 100%";
        }

        var issuer = string.IsNullOrWhiteSpace(s.MarkIssuer) ? DefaultIssuer : s.MarkIssuer.Trim();
        roadside = new Result(keyFile, issuer, share);
        return null;
    }
}
