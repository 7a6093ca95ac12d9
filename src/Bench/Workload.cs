namespace ELicense.Bench;

/// <summary>What one request does.</summary>
public enum Workload
{
    /// <summary>GetLicense by licence number, with a purpose.</summary>
    License,

    /// <summary>VerifyCredential with a fresh credential: every scan a first scan.</summary>
    Verify,

    /// <summary>ListViolations by licence number (with a purpose) or by plate.</summary>
    Violations,

    /// <summary>CheckVehicle by plate or VIN.</summary>
    Vehicle,

    /// <summary>CheckTransferEligibility by plate or VIN.</summary>
    Transfer,

    /// <summary>
    /// CheckRoadside: a fresh licence credential (as verify) with the vehicle's inspection mark (pre-minted
    /// from the keys file's vehicle records) or, for a share of calls, its plate typed by the officer.
    /// </summary>
    Roadside,
}

/// <summary>The workload names on the command line and in reports.</summary>
public static class Workloads
{
    /// <summary>The accepted names, for help and error texts.</summary>
    public const string Accepted = "license, verify, violations, vehicle, transfer, roadside";

    /// <summary>The name of a workload as typed and reported: "license", "verify"…</summary>
    public static string Name(Workload workload) => workload switch
    {
        Workload.License => "license",
        Workload.Verify => "verify",
        Workload.Violations => "violations",
        Workload.Vehicle => "vehicle",
        Workload.Transfer => "transfer",
        Workload.Roadside => "roadside",
        _ => workload.ToString(),
    };

    /// <summary>Whether the workload sends a fresh licence credential with every call (minted before the run).</summary>
    public static bool SendsCredentials(Workload workload) => workload is Workload.Verify or Workload.Roadside;

    /// <summary>Parses a workload name (case-insensitive).</summary>
    public static bool TryParse(string? text, out Workload workload)
    {
        foreach (var candidate in Enum.GetValues<Workload>())
        {
            if (string.Equals(text?.Trim(), Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                workload = candidate;
                return true;
            }
        }

        workload = default;
        return false;
    }
}
