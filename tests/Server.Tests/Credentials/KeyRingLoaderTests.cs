using System.Security.Cryptography;
using ELicense.Server.Credentials;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

public sealed class KeyRingLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-keys-").FullName;
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    [Fact]
    public void Load_NoKeysConfigured_CreatesAndReusesOneDevelopmentKey()
    {
        var options = new CredentialOptions { DevelopmentKeyPath = Path.Combine(_directory, "dev", "key.pem") };

        using var first = KeyRingLoader.Load(options, _time, NullLogger.Instance);
        using var second = KeyRingLoader.Load(options, _time, NullLogger.Instance);

        Assert.Equal(first.SigningKey.KeyIdHex, second.SigningKey.KeyIdHex);
        Assert.True(File.Exists(options.DevelopmentKeyPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.DevelopmentKeyPath));
        }
    }

    [Fact]
    public void Load_PrivateAndRetiredPublicKey_SignsWithPrivateVerifiesWithBoth()
    {
        using var current = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var retired = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new CredentialOptions
        {
            Keys =
            [
                new IssuerKeyOptions { PublicKeyPath = WritePem("old.pub.pem", retired.ExportSubjectPublicKeyInfoPem()), NotAfter = CredentialTestKit.Start.AddDays(30) },
                new IssuerKeyOptions { PrivateKeyPath = WritePem("new.pem", current.ExportECPrivateKeyPem()) }, // SEC1 "EC PRIVATE KEY"
            ],
        };

        using var ring = KeyRingLoader.Load(options, _time, NullLogger.Instance);

        Assert.Equal(2, ring.Keys.Count);
        Assert.True(ring.SigningKey.CanSign);
        Assert.Equal(RingKey.FromPublicKey(current).KeyIdHex, ring.SigningKey.KeyIdHex);
        Assert.True(ring.TryGet(RingKey.FromPublicKey(retired).KeyId, out var old));
        Assert.False(old.CanSign);
        Assert.False(old.IsValidAt(CredentialTestKit.Start.AddDays(31), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Load_SigningKeyIdOfPublicOnlyKey_FailsAtStart()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new CredentialOptions
        {
            Keys = [new IssuerKeyOptions { PublicKeyPath = WritePem("only.pub.pem", key.ExportSubjectPublicKeyInfoPem()) }],
            SigningKeyId = RingKey.FromPublicKey(key).KeyIdHex,
        };

        Assert.Throws<OptionsValidationException>(() => KeyRingLoader.Load(options, _time, NullLogger.Instance));
    }

    [Fact]
    public void Load_P384Key_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var options = new CredentialOptions { Keys = [new IssuerKeyOptions { PrivateKeyPath = WritePem("p384.pem", key.ExportPkcs8PrivateKeyPem()) }] };

        Assert.Throws<CryptographicException>(() => KeyRingLoader.Load(options, _time, NullLogger.Instance));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
