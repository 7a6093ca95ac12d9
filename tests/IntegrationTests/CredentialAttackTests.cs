
using System.Formats.Cbor;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Base45 = ELicense.Core.Credentials.Base45;
using ELicense.Core.Credentials;

namespace ELicense.IntegrationTests;

/// <summary>
/// Attacks on the credential, each through a real call to a server whose key ring has a signing key
/// and a retired key, and whose clock the test controls.
/// </summary>
public sealed class CredentialAttackTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-attacks-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ECDsa _signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _retired = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private ServerInstance _server = null!;
    private License _license = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var signingPath = Path.Combine(_directory, "issuer-2026.pem");
        var retiredPath = Path.Combine(_directory, "issuer-2025.pub.pem");
        await File.WriteAllTextAsync(signingPath, _signing.ExportPkcs8PrivateKeyPem(), Ct);
        await File.WriteAllTextAsync(retiredPath, _retired.ExportSubjectPublicKeyInfoPem(), Ct);
        _server = await ServerInstance.StartAsync(_directory, redisConfiguration: "",
        [
            $"--Credentials:Keys:0:PrivateKeyPath={signingPath}",
            $"--Credentials:Keys:1:PublicKeyPath={retiredPath}",
            $"--Credentials:Keys:1:NotAfter={_clock.GetUtcNow().AddDays(-1):O}",
        ], services => services.AddSingleton<TimeProvider>(_clock));
        _license = await TestData.CreateLicenseAsync(_server);
    }

    private Task<VerifyCredentialResponse> VerifyAsync(string payload, string device = "handheld-1") =>
        _server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = device }, cancellationToken: Ct).ResponseAsync;

    private async Task<byte[]> IssueCoseAsync()
    {
        var payload = await TestData.IssueAsync(_server, _license.LicenseNumber);
        return Decode(payload);
    }

    [Fact]
    public async Task VerifyCredential_Genuine_IsValid()
    {
        Assert.Equal(Verdict.Valid, (await VerifyAsync(Encode(await IssueCoseAsync()))).Verdict);
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("HS256")]
    [InlineData("none")]
    public async Task VerifyCredential_AlgorithmConfusion_IsSignatureInvalid(string algorithm)
    {
        var message = CoseMessage.DecodeSign1(await IssueCoseAsync());
        var claims = message.Content!.Value.ToArray();
        var kid = message.ProtectedHeaders[CoseHeaderLabel.KeyIdentifier].GetValueAsBytes();
        var forged = algorithm switch
        {
            // The real key, the wrong algorithm: an ES384 signature over the same claims.
            "ES384" => CoseSign1Message.SignEmbedded(claims, new CoseSigner(_signing, HashAlgorithmName.SHA384,
                new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(kid) } })),
            // HMAC keyed with the public key bytes: the classic confusion.
            "HS256" => RawSign1(5, kid, claims, HMACSHA256.HashData(_signing.ExportSubjectPublicKeyInfo(), claims)),
            _ => RawSign1(null, kid, claims, []),
        };

        Assert.Equal(Verdict.SignatureInvalid, (await VerifyAsync(Encode(forged))).Verdict);
    }

    [Fact]
    public async Task VerifyCredential_UnknownKeyId_IsUnknownKey()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var claims = CoseMessage.DecodeSign1(await IssueCoseAsync()).Content!.Value.ToArray();

        var forged = CoseSign1Message.SignEmbedded(claims, new CoseSigner(stranger, HashAlgorithmName.SHA256,
            new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(RandomNumberGenerator.GetBytes(8)) } }));

        Assert.Equal(Verdict.UnknownKey, (await VerifyAsync(Encode(forged))).Verdict);
    }

    [Fact]
    public async Task VerifyCredential_SignedWithRetiredKey_IsUnknownKey()
    {
        var claims = CoseMessage.DecodeSign1(await IssueCoseAsync()).Content!.Value.ToArray();
        var retiredKid = SHA256.HashData(_retired.ExportSubjectPublicKeyInfo())[..8];

        var token = CoseSign1Message.SignEmbedded(claims, new CoseSigner(_retired, HashAlgorithmName.SHA256,
            new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(retiredKid) } }));

        Assert.Equal(Verdict.UnknownKey, (await VerifyAsync(Encode(token))).Verdict);
    }

    [Fact]
    public async Task VerifyCredential_EcdsaSignatureTwin_IsSignatureInvalid()
    {
        var cose = await IssueCoseAsync();
        var twin = WithTwinSignature(cose);
        Assert.NotEqual(Encode(cose), Encode(twin));
        Assert.True(CoseMessage.DecodeSign1(twin).VerifyEmbedded(_signing)); // (r, n−s) is a valid ECDSA signature...

        var twinFirst = await VerifyAsync(Encode(twin), "handheld-2");
        var genuine = await VerifyAsync(Encode(cose), "handheld-1");
        var twinAfter = await VerifyAsync(Encode(twin), "handheld-1");

        Assert.Equal(Verdict.SignatureInvalid, twinFirst.Verdict);   // ...but not the one the issuer wrote (low-S)
        Assert.Null(twinFirst.Credential);
        Assert.Equal(Verdict.Valid, genuine.Verdict);                // the refused twin did not use up the token
        Assert.False(genuine.RepeatScan);
        Assert.Equal(Verdict.SignatureInvalid, twinAfter.Verdict);   // nor is it a repeat scan of the genuine one
    }

    [Theory]
    [InlineData(180, Verdict.Valid)]
    [InlineData(210, Verdict.Valid)]                     // expiry + 30 s skew
    [InlineData(211, Verdict.CredentialExpired)]
    [InlineData(-30, Verdict.Valid)]                     // verifier 30 s behind the issuer
    [InlineData(-31, Verdict.CredentialNotYetValid)]
    public async Task VerifyCredential_TimeEdges_ThirtySecondSkew(int secondsAfterIssue, Verdict expected)
    {
        _clock.Advance(TimeSpan.FromMinutes(1));
        var issued = await _server.Registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = _license.LicenseNumber }, cancellationToken: Ct);
        var issuedAt = issued.IssueTime.ToDateTimeOffset();

        if (secondsAfterIssue < 0)
        {
            // The clock cannot go back: move the issue into the future instead, by the same amount.
            // Issued |s| seconds ahead of the verifier's clock (claims hold whole seconds, rounded down).
            var future = new FakeTimeProvider(_clock.GetUtcNow().AddSeconds(-secondsAfterIssue));
            var issuer = new ELicense.Server.Credentials.CredentialIssuer(
                _server.GetService<ELicense.Server.Credentials.KeyRing>(),
                Microsoft.Extensions.Options.Options.Create(new ELicense.Server.Credentials.CredentialOptions()), future);
            var ahead = issuer.Issue(ELicense.V1.License.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(_license)));
            Assert.Equal(expected, (await VerifyAsync(ahead.QrPayload)).Verdict);
            return;
        }

        _clock.SetUtcNow(issuedAt.AddSeconds(secondsAfterIssue));
        Assert.Equal(expected, (await VerifyAsync(issued.QrPayload)).Verdict);
    }

    [Fact]
    public async Task VerifyCredential_TruncatedAtEveryTenthCharacter_IsNeverValid()
    {
        var payload = Encode(await IssueCoseAsync());

        for (var length = 0; length < payload.Length; length += 10)
        {
            var verdict = (await VerifyAsync(payload[..length], $"truncation-{length}")).Verdict;
            Assert.True(verdict is Verdict.Malformed or Verdict.SignatureInvalid, $"length {length}: {verdict}");
        }
    }

    /// <summary>The other valid ECDSA signature of the same message: s replaced by n − s.</summary>
    private static byte[] WithTwinSignature(byte[] cose)
    {
        var n = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var reader = new CborReader(cose);
        var tag = reader.ReadTag();
        reader.ReadStartArray();
        var protectedHeader = reader.ReadByteString();
        var unprotected = reader.ReadEncodedValue().ToArray();
        var content = reader.ReadByteString();
        var signature = reader.ReadByteString();
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twinS = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = new byte[64];
        signature.AsSpan(0, 32).CopyTo(twin);
        twinS.CopyTo(twin.AsSpan(64 - twinS.Length));

        var writer = new CborWriter();
        writer.WriteTag(tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteEncodedValue(unprotected);
        writer.WriteByteString(content);
        writer.WriteByteString(twin);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private static byte[] RawSign1(int? algorithm, byte[] kid, byte[] content, byte[] signature)
    {
        var header = new CborWriter();
        header.WriteStartMap(algorithm is null ? 1 : 2);
        if (algorithm is not null)
        {
            header.WriteInt32(1);
            header.WriteInt32(algorithm.Value);
        }

        header.WriteInt32(4);
        header.WriteByteString(kid);
        header.WriteEndMap();
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(header.Encode());
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(content);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private static string Encode(byte[] cose) => "EDL1:" + Base45.Encode(cose);

    private static byte[] Decode(string payload)
    {
        var text = payload["EDL1:".Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _signing.Dispose();
        _retired.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
