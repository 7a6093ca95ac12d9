using ELicense.V1;
using ELicense.Core.Identifiers;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>
/// The request messages of a run, one per key, built before it starts (and shared by concurrent calls:
/// serialising a message only reads it). Key lists are shuffled with the seed, so a hot spot is a random
/// subset of the keys.
/// </summary>
public sealed class BenchRequests
{
    private BenchRequests(GetLicenseRequest[] license, ListViolationsRequest[] violations, CheckVehicleRequest[] vehicle,
        CheckTransferEligibilityRequest[] transfer, string[] licenseNumbers)
    {
        License = license;
        Violations = violations;
        Vehicle = vehicle;
        Transfer = transfer;
        LicenseNumbers = licenseNumbers;
    }

    /// <summary>GetLicense, one per licence number.</summary>
    public GetLicenseRequest[] License { get; }

    /// <summary>ListViolations, one per licence number or plate.</summary>
    public ListViolationsRequest[] Violations { get; }

    /// <summary>CheckVehicle, one per plate or VIN.</summary>
    public CheckVehicleRequest[] Vehicle { get; }

    /// <summary>CheckTransferEligibility, one per plate or VIN.</summary>
    public CheckTransferEligibilityRequest[] Transfer { get; }

    /// <summary>The licence numbers, shuffled: what verify and roadside mint credentials for.</summary>
    public string[] LicenseNumbers { get; }

    /// <summary>
    /// Builds the messages the mix needs; throws <see cref="UsageException"/> when the keys hold
    /// none of a kind a workload needs.
    /// </summary>
    public static BenchRequests Build(BenchKeys keys, WorkloadMix mix, ulong seed, LookupPurpose purpose, bool violationsByPlate)
    {
        var licenses = BenchKeys.Shuffled(keys.Licenses, seed);
        var plates = BenchKeys.Shuffled(keys.Plates, seed);
        var vehicles = plates.Select(p => (Plate: (Plate?)p, Vin: (string?)null))
            .Concat(BenchKeys.Shuffled(keys.Vins, seed).Select(v => (Plate: (Plate?)null, Vin: (string?)v)))
            .ToArray();
        vehicles = BenchKeys.Shuffled(vehicles, seed);

        foreach (var (workload, _) in mix.Entries)
        {
            var missing = workload switch
            {
                Workload.License or Workload.Verify or Workload.Roadside when licenses.Length == 0 => "licence numbers",
                Workload.Violations when !violationsByPlate && licenses.Length == 0 => "licence numbers (or use --violations-by plate)",
                Workload.Violations when violationsByPlate && plates.Length == 0 => "plates",
                Workload.Vehicle or Workload.Transfer when vehicles.Length == 0 => "plates or VINs",
                _ => null,
            };
            if (missing is not null)
            {
                throw new UsageException($"{Workloads.Name(workload)} needs {missing} in the --keys file, and it holds none.");
            }
        }

        return new BenchRequests(
            mix.Contains(Workload.License) ? licenses.Select(n => new GetLicenseRequest { LicenseNumber = n, Purpose = purpose }).ToArray() : [],
            !mix.Contains(Workload.Violations) ? []
                : violationsByPlate ? plates.Select(p => new ListViolationsRequest { Plate = p }).ToArray()
                : licenses.Select(n => new ListViolationsRequest { LicenseNumber = n, Purpose = purpose }).ToArray(),
            mix.Contains(Workload.Vehicle) ? vehicles.Select(v => v.Plate is { } p ? new CheckVehicleRequest { Plate = p } : new CheckVehicleRequest { Vin = v.Vin }).ToArray() : [],
            mix.Contains(Workload.Transfer)
                ? vehicles.Select(v => v.Plate is { } p ? new CheckTransferEligibilityRequest { Plate = p } : new CheckTransferEligibilityRequest { Vin = v.Vin }).ToArray()
                : [],
            licenses);
    }

    /// <summary>How many keys a workload draws from (verify: 0, it takes from the credential pool; roadside: its vehicles', <see cref="RoadsideVehicles.KeyCount"/>).</summary>
    public int KeyCount(Workload workload) => workload switch
    {
        Workload.License => License.Length,
        Workload.Violations => Violations.Length,
        Workload.Vehicle => Vehicle.Length,
        Workload.Transfer => Transfer.Length,
        _ => 0,
    };
}
