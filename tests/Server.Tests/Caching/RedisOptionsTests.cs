using ELicense.Server.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ELicense.Server.Tests.Caching;

public sealed class RedisOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-redis-key-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")] // 3 bytes
    public void Validate_BadProtectionKey_ErrorThatDoesNotEchoTheSecret(string key)
    {
        var errors = new RedisOptions { Configuration = "127.0.0.1:6379", ProtectionKey = key }.Validate();

        var error = Assert.Single(errors);
        Assert.Contains("Redis:ProtectionKey", error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RedisWithoutKeyOrPath_Error()
    {
        var errors = new RedisOptions { Configuration = "127.0.0.1:6379", ProtectionKeyPath = " " }.Validate();

        Assert.Contains("Redis:ProtectionKeyPath", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Empty(new RedisOptions { ProtectionKeyPath = "" }.Validate()); // no Redis, no key needed
    }

    [Fact]
    public void Create_NoKeyFile_GeneratesOneOwnerOnlyAndReadsTheSameKeyNextTime()
    {
        var options = new RedisOptions { Configuration = "127.0.0.1:6379", ProtectionKeyPath = Path.Combine(_directory, "sub", "redis-key") };

        var first = RedisKeyMaterial.Create(options, NullLogger.Instance);
        var second = RedisKeyMaterial.Create(options, NullLogger.Instance);

        Assert.Equal(32, new FileInfo(options.ProtectionKeyPath).Length);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.ProtectionKeyPath));
        }
    }

    [Fact]
    public void Create_ConfiguredKey_WinsAndWritesNoFile()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var options = new RedisOptions { Configuration = "127.0.0.1:6379", ProtectionKey = Convert.ToBase64String(key), ProtectionKeyPath = Path.Combine(_directory, "k") };

        Assert.Equal(RedisKeyMaterial.FromKey(key).Fingerprint, RedisKeyMaterial.Create(options, NullLogger.Instance).Fingerprint);
        Assert.False(File.Exists(options.ProtectionKeyPath));
    }

    [Fact]
    public void Create_NoRedis_EphemeralKeyAndNoFile()
    {
        var options = new RedisOptions { ProtectionKeyPath = Path.Combine(_directory, "k") };

        Assert.NotEqual(RedisKeyMaterial.Create(options, NullLogger.Instance).Fingerprint, RedisKeyMaterial.Create(options, NullLogger.Instance).Fingerprint);
        Assert.False(File.Exists(options.ProtectionKeyPath));
    }

    [Fact]
    public void Create_KeyFileOfWrongLength_Throws()
    {
        var path = Path.Combine(_directory, "short");
        File.WriteAllBytes(path, new byte[7]);

        Assert.Throws<InvalidDataException>(() => RedisKeyMaterial.Create(new RedisOptions { Configuration = "127.0.0.1:6379", ProtectionKeyPath = path }, NullLogger.Instance));
    }
}
