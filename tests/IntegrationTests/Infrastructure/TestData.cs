
using ELicense.V1;
using Grpc.Core;
using ServerValidation = ELicense.Server.Validation;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>Synthetic records with valid identifiers, unique within a test run.</summary>
public static class TestData
{
    private static int _counter = Random.Shared.Next(0, 5000);

    public static string NewLicenseNumber()
    {
        var n = Interlocked.Increment(ref _counter);
        var birth = new DateOnly(1960, 1, 1).AddDays(n % 16000);
        var first17 = $"110105{birth:yyyyMMdd}{100 + n / 16000 % 900:D3}";
        return first17 + ELicense.Core.Identifiers.IdentityNumber.ComputeCheckCharacter(first17);
    }

    public static Plate NewPlate()
    {
        var n = Interlocked.Increment(ref _counter);
        return new Plate { Number = $"京B{n % 100000:D5}", Type = PlateType.Small };
    }

    public static string NewVin()
    {
        var n = Interlocked.Increment(ref _counter);
        var draft = $"LSVAM41{n % 100000000:D8}00";
        var check = ELicense.Core.Identifiers.Vin.ComputeCheckDigit(draft)!.Value;
        return string.Concat(draft.AsSpan(0, 8), check.ToString(), draft.AsSpan(9));
    }

    public static License NewLicense(LicenseStatus status = LicenseStatus.Normal) => new()
    {
        LicenseNumber = NewLicenseNumber(),
        FileNumber = "110100000001",
        HolderName = "测试 (synthetic)",
        LicenseClass = "C1",
        Status = status,
        FirstIssueDate = new Google.Type.Date { Year = 2016, Month = 3, Day = 1 },
        ValidFromDate = new Google.Type.Date { Year = 2022, Month = 3, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2032, Month = 3, Day = 1 },
        Points = 2,
        IssuingAuthority = "北京市公安局公安交通管理局",
    };

    public static Vehicle NewVehicle(Plate? plate = null) => new()
    {
        Plate = plate ?? NewPlate(),
        Vin = NewVin(),
        OwnerName = "测试 (synthetic)",
        Model = "比亚迪 秦PLUS",
        VehicleType = "K33",
        InspectionValidUntilDate = new Google.Type.Date { Year = 2030, Month = 1, Day = 31 },
        InsuranceValidUntilDate = new Google.Type.Date { Year = 2030, Month = 1, Day = 31 },
    };

    public static async Task<License> CreateLicenseAsync(ServerInstance server, LicenseStatus status = LicenseStatus.Normal)
    {
        var response = await server.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = NewLicense(status) });
        return response.License;
    }

    public static async Task<string> IssueAsync(ServerInstance server, string licenseNumber) =>
        (await server.Registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = licenseNumber })).QrPayload;

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes; returns how long it took.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > deadline)
            {
                throw new TimeoutException($"Condition not met within {deadline}.");
            }

            await Task.Delay(10);
        }

        return started.Elapsed;
    }

    public static Google.Rpc.Status RichStatus(RpcException e) =>
        e.GetRpcStatus() ?? throw new InvalidOperationException("The error carries no google.rpc.Status details.");
}
