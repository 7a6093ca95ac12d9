namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>A configured caller of the test servers.</summary>
public sealed record TestCaller(string Id, string Key, string Role, double? RateLimit = null, string? LicenseNumber = null);

/// <summary>One caller per role (and a slow one for rate limits), configured on every test server.</summary>
public static class TestCallers
{
    /// <summary>The licence the test holder acts for; tests create it before using the holder.</summary>
    public const string HolderLicenseNumber = "110105198001010016";

    public static readonly TestCaller Officer = new("officer-test", "officer-test-key-0001", "officer");
    public static readonly TestCaller Transfer = new("transfer-test", "transfer-test-key-0001", "transfer");
    public static readonly TestCaller Registry = new("registry-test", "registry-test-key-0001", "registry");
    public static readonly TestCaller Holder = new("holder-test", "holder-test-key-0001", "holder", LicenseNumber: HolderLicenseNumber);
    public static readonly TestCaller SlowOfficer = new("slow-officer-test", "slow-officer-test-key-0001", "officer", RateLimit: 5);

    public static readonly IReadOnlyList<TestCaller> All = [Officer, Transfer, Registry, Holder, SlowOfficer];

    /// <summary>The command-line configuration the README documents for tests and demos.</summary>
    public static IEnumerable<string> Arguments => All.SelectMany((c, i) => new[]
    {
        $"--Auth:Clients:{i}:Id={c.Id}",
        $"--Auth:Clients:{i}:Key={c.Key}",
        $"--Auth:Clients:{i}:Roles:0={c.Role}",
    }
    .Concat(c.RateLimit is { } rate ? [$"--Auth:Clients:{i}:RateLimit={rate}"] : [])
    .Concat(c.LicenseNumber is { } number ? [$"--Auth:Clients:{i}:LicenseNumber={number}"] : []));
}
