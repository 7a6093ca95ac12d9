using ELicense.Core.Credentials;
using ELicense.Inspector.Offline;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Offline;

public sealed class OfflineFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-offline-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Queue_AddThenReload_KeepsChecksInOrder()
    {
        var queue = OfflineQueue.Load(_directory, Samples.Now);
        queue.Add(new QueuedCheck("a", "EDL1:A", "hh-1", Samples.Now, Verdict.Valid, "t1", Samples.LicenseNumber, null));
        queue.Add(new QueuedCheck("b", "EDL1:B", "hh-1", Samples.Now.AddMinutes(1), Verdict.LicenseNotValid, "t2", null, null));

        var reloaded = OfflineQueue.Load(_directory, Samples.Now);

        Assert.Equal(["a", "b"], reloaded.Items.Select(c => c.Id));
        Assert.Equal(Verdict.LicenseNotValid, reloaded.Items[1].OfflineVerdict);
        Assert.Equal("EDL1:A", reloaded.Items[0].Payload);
    }

    [Fact]
    public void Queue_Remove_PersistsTheRemoval()
    {
        var queue = OfflineQueue.Load(_directory, Samples.Now);
        queue.Add(new QueuedCheck("a", "EDL1:A", "hh-1", Samples.Now, Verdict.Valid, null, null, null));

        Assert.True(queue.Remove("a"));
        Assert.False(queue.Remove("a"));
        Assert.Empty(OfflineQueue.Load(_directory, Samples.Now).Items);
    }

    [Fact]
    public void Queue_FileHoldsPersonalData_IsOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var queue = OfflineQueue.Load(_directory, Samples.Now);
        queue.Add(new QueuedCheck("a", "EDL1:A", "hh-1", Samples.Now, Verdict.Valid, null, null, null));

        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(queue.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void Queue_UnreadableFile_IsSetAsideNotLost()
    {
        var path = Path.Combine(_directory, OfflineQueue.FileName);
        File.WriteAllText(path, "{ not json");

        var queue = OfflineQueue.Load(_directory, Samples.Now);

        Assert.Empty(queue.Items);
        Assert.NotNull(queue.SetAsidePath);
        Assert.Equal("{ not json", File.ReadAllText(queue.SetAsidePath));
    }

    [Theory]
    [InlineData("[null]")]
    [InlineData("[{}]")]
    [InlineData("""[{"id":"a","payload":null,"deviceId":"hh-1","checkedAt":"2025-03-01T08:00:00Z","offlineVerdict":"Valid"}]""")]
    public void Queue_JsonWithMissingMembers_IsSetAsideNotLost(string json)
    {
        var path = Path.Combine(_directory, OfflineQueue.FileName);
        File.WriteAllText(path, json);

        var queue = OfflineQueue.Load(_directory, Samples.Now);

        Assert.Empty(queue.Items);
        Assert.NotNull(queue.SetAsidePath);
        Assert.Equal(json, File.ReadAllText(queue.SetAsidePath));
    }

    [Fact]
    public void KeyCache_SaveThenLoad_RoundTripsKeysAndFetchTime()
    {
        using var issuer = new TestIssuer();
        var cache = new IssuerKeyCache(_directory);
        var keys = issuer.Keys(Samples.Now, notAfter: Samples.Now.AddDays(30));

        cache.Save(keys);
        var loaded = cache.Load();

        Assert.NotNull(loaded);
        Assert.Equal(Samples.Now, loaded.FetchedAt);
        Assert.Equal(30, loaded.MaxClockSkewSeconds);
        Assert.Equal(issuer.Spki, loaded.Keys[0].PublicKeySpki);
        Assert.Equal(Samples.Now.AddDays(30), loaded.Keys[0].NotAfter);
    }

    [Theory]
    [InlineData("""{"fetchedAt":"2025-03-01T08:00:00Z","server":"http://127.0.0.1:5080/","issuer":"ELicense","maxClockSkewSeconds":30,"keys":null}""")]
    [InlineData("""{"fetchedAt":"2025-03-01T08:00:00Z","server":"http://127.0.0.1:5080/","issuer":"ELicense","maxClockSkewSeconds":30,"keys":[null]}""")]
    [InlineData("""{"fetchedAt":"2025-03-01T08:00:00Z","server":"http://127.0.0.1:5080/","issuer":"ELicense","maxClockSkewSeconds":30,"keys":[{"keyId":null,"algorithm":"ES256","publicKeySpki":null}]}""")]
    [InlineData("null")]
    [InlineData("{}")]
    public void KeyCache_JsonWithMissingMembers_IsUnreadableAndTheConsoleStarts(string json)
    {
        File.WriteAllText(Path.Combine(_directory, IssuerKeyCache.FileName), json);

        Assert.Null(new IssuerKeyCache(_directory).Load(out var problem));
        Assert.Equal(KeyCacheProblem.Unreadable, problem);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KeyCache_WritableByOtherUsers_IsNotUsed(bool directoryOpen)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var issuer = new TestIssuer();
        var cache = new IssuerKeyCache(_directory);
        cache.Save(issuer.Keys(Samples.Now));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (directoryOpen)
        {
            File.SetUnixFileMode(_directory, File.GetUnixFileMode(_directory) | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        }
        else
        {
            File.SetUnixFileMode(cache.Path, File.GetUnixFileMode(cache.Path) | UnixFileMode.GroupWrite);
        }

        Assert.Null(cache.Load(out var problem));
        Assert.Equal(KeyCacheProblem.NotPrivate, problem);
    }

    [Fact]
    public void KeyCache_Missing_LoadsNull()
    {
        Assert.Null(new IssuerKeyCache(_directory).Load());
    }

    [Fact]
    public void KeyCache_FromResponse_KeepsEveryKey()
    {
        var response = new ListIssuerKeysResponse { Issuer = "ELicense", MaxClockSkewSeconds = 30 };
        response.Keys.Add(new IssuerKey { KeyId = "0011223344556677", Algorithm = "ES256", PublicKeySpki = Google.Protobuf.ByteString.CopyFrom(1, 2, 3), Signing = true });

        var cached = CachedIssuerKeys.From(response, new Uri("http://127.0.0.1:5080"), Samples.Now);

        Assert.Equal("0011223344556677", Assert.Single(cached.Keys).KeyId);
        Assert.Equal(response, cached.ToResponse());
    }

    [Fact]
    public void KeyCache_SaveLoad_KeepsThePublishedPolicy()
    {
        using var issuer = new TestIssuer();
        var cache = new IssuerKeyCache(_directory);

        cache.Save(issuer.Keys(Samples.Now));
        var policy = cache.Load()!.LicensePolicy(out var problem);

        Assert.Equal(string.Empty, problem);
        Assert.Equal(new CredentialPolicy(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30), "ELicense"), policy);
    }

    [Fact]
    public void KeyCache_FileFromBeforePolicies_LoadsKeysButNoPolicy()
    {
        using var issuer = new TestIssuer();
        // The shape older inspectors wrote: no "policies" member at all.
        File.WriteAllText(Path.Combine(_directory, IssuerKeyCache.FileName), $$"""
            {"fetchedAt":"2025-03-01T08:00:00Z","server":"http://127.0.0.1:5080/","issuer":"ELicense","maxClockSkewSeconds":30,
             "keys":[{"keyId":"{{issuer.KeyIdHex}}","algorithm":"ES256","publicKeySpki":"{{Convert.ToBase64String(issuer.Spki)}}","notBefore":null,"notAfter":null,"signing":true}]}
            """);

        var loaded = new IssuerKeyCache(_directory).Load(out var loadProblem);

        Assert.Equal(KeyCacheProblem.None, loadProblem);
        Assert.Equal(issuer.KeyIdHex, Assert.Single(loaded!.Keys).KeyId);
        Assert.Null(loaded.LicensePolicy(out var problem));
        Assert.Contains("no credential policy", problem, StringComparison.Ordinal);
        using var verifier = new OfflineVerifier(loaded, new FakeTimeProvider(Samples.Now));
        Assert.Equal(Verdict.StatusUnavailable, verifier.Verify(issuer.Issue(Samples.Now)).Verdict);
    }

    [Fact]
    public void KeyCache_FromResponse_KeepsThePublishedPolicy()
    {
        var response = new ListIssuerKeysResponse { Issuer = "ELicense", MaxClockSkewSeconds = 20, DocumentPolicies = { TestIssuer.PublishedPolicy() } };
        response.DocumentPolicies[0].MaxLifetimeSeconds = 900;

        var cached = CachedIssuerKeys.From(response, new Uri("http://127.0.0.1:5080"), Samples.Now);

        Assert.Equal(response, cached.ToResponse());
        Assert.Equal(TimeSpan.FromMinutes(15), cached.LicensePolicy(out _)!.MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(20), cached.LicensePolicy(out _)!.MaxClockSkew);
    }

    [Theory]
    [InlineData("/custom/dir", null, null, "/home/u", "/custom/dir")]
    [InlineData(null, "/from/env", "/xdg", "/home/u", "/from/env")]
    [InlineData(null, null, "/xdg", "/home/u", "/xdg/elicense")]
    [InlineData(null, null, null, "/home/u", "/home/u/.cache/elicense")]
    [InlineData("~/cache", null, null, "/home/u", "/home/u/cache")]
    public void CacheDirectory_Resolve_FollowsOptionEnvironmentXdgHome(string? option, string? variable, string? xdg, string? home, string expected)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths");
        var variables = new Dictionary<string, string?> { [CacheDirectory.Variable] = variable, ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };

        Assert.Equal(expected, CacheDirectory.Resolve(option, name => variables.GetValueOrDefault(name)));
    }
}
