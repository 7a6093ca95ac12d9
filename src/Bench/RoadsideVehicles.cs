using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>
/// The vehicles roadside calls name: pre-minted inspection marks (one per vehicle record of the keys file,
/// shuffled, at most <see cref="MaxMarks"/>) and plates typed by the officer, for <see cref="PlateShare"/> of
/// the calls (a driver who shows no mark). Which one a call names follows from the seed and its index alone.
/// The licence credential is not here: it is fresh for every call (the credential pool).
/// </summary>
public sealed class RoadsideVehicles
{
    /// <summary>The most marks minted before a run: more keys add no realism, only minting time.</summary>
    public const int MaxMarks = 20_000;

    /// <summary>The share of calls by plate when --roadside-by-plate is not given.</summary>
    public const double DefaultPlateShare = 0.1;

    private const ulong PlateDrawSalt = 0x80AD_51DE_71A7_E000UL;
    private readonly ulong _seed;

    /// <summary>Marks (QR text) and plates; <paramref name="plateShare"/> of the calls go by plate.</summary>
    public RoadsideVehicles(string[] marks, Plate[] plates, double plateShare, ulong seed, int skipped = 0)
    {
        Marks = marks;
        Plates = plates;
        PlateShare = marks.Length == 0 ? 1 : plates.Length == 0 ? 0 : plateShare;
        Skipped = skipped;
        _seed = seed;
    }

    /// <summary>The marks' QR texts ("EVM1:…").</summary>
    public string[] Marks { get; }

    /// <summary>The plates sent when a call goes by plate.</summary>
    public Plate[] Plates { get; }

    /// <summary>The share of calls that name the vehicle by plate (1 without marks, 0 without plates).</summary>
    public double PlateShare { get; }

    /// <summary>Vehicle records that got no mark: their inspection is over (the server would issue none).</summary>
    public int Skipped { get; }

    /// <summary>How many keys the skew draws from: the marks (the plates are drawn with the same key).</summary>
    public int KeyCount => Math.Max(Marks.Length, Plates.Length);

    /// <summary>
    /// Mints the marks of <paramref name="keys"/>' vehicle records (shuffled with the seed) and takes its plates;
    /// a usage error when the share by plate is below 1 and there is no vehicle a mark could be minted for.
    /// </summary>
    public static RoadsideVehicles Build(BenchKeys keys, MarkMinter? minter, double plateShare, ulong seed, DateTimeOffset now)
    {
        var marks = new List<string>();
        var skipped = 0;
        if (minter is not null && plateShare < 1)
        {
            foreach (var vehicle in BenchKeys.Shuffled(keys.Vehicles, seed))
            {
                if (marks.Count == MaxMarks)
                {
                    break;
                }

                if (minter.TryMint(vehicle, now) is { } mark)
                {
                    marks.Add(mark);
                }
                else
                {
                    skipped++;
                }
            }

            if (marks.Count == 0)
            {
                throw new UsageException(keys.Vehicles.Count == 0
                    ? "roadside sends inspection marks minted from the --keys file's vehicle records (\"京A12345 02 LSVAM4187C2184847 K33 2027-05-31\"), and it holds none; or give --roadside-by-plate 100%"
                    : $"roadside: none of the {keys.Vehicles.Count:N0} vehicle records has an inspection valid beyond the next hour, so no mark can be minted");
            }
        }

        var plates = BenchKeys.Shuffled(keys.Plates, seed);
        if (plateShare > 0 && plates.Length == 0)
        {
            throw new UsageException("roadside sends a share of its calls by plate (--roadside-by-plate), and the --keys file holds no plates; or give --roadside-by-plate 0");
        }

        return new RoadsideVehicles(marks.ToArray(), plates, plateShare, seed, skipped);
    }

    /// <summary>Whether call <paramref name="index"/> names its vehicle by plate.</summary>
    public bool ByPlate(long index) =>
        PlateShare >= 1 || (PlateShare > 0 && SplitMix.For(_seed ^ PlateDrawSalt, index).NextDouble() < PlateShare);

    /// <summary>The request of call <paramref name="index"/> with key <paramref name="key"/> and a fresh licence credential.</summary>
    public CheckRoadsideRequest Request(long index, int key, string licenseQrPayload, string deviceId)
    {
        var request = new CheckRoadsideRequest { LicenseQrPayload = licenseQrPayload, DeviceId = deviceId };
        if (ByPlate(index))
        {
            request.Plate = Plates[key % Plates.Length];
        }
        else
        {
            request.MarkQrPayload = Marks[key % Marks.Length];
        }

        return request;
    }
}
