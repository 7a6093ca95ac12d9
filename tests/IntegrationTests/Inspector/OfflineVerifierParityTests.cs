
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using InspectorOffline = ELicense.Inspector.Offline;
using InspectorV1 = ELicense.V1;
using ServerCredentials = ELicense.Server.Credentials;
using ServerV1 = ELicense.V1;
using ELicense.Core.Credentials;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The handheld's offline verifier and the server's verifier, side by side on the same credentials: the
/// offline answer must be the server's for everything a credential alone decides.
/// </summary>
public sealed class OfflineVerifierParityTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServerCredentials.KeyRing _ring;
    private readonly ServerCredentials.CredentialIssuer _issuer;
    private readonly ServerCredentials.CredentialVerifier _serverVerifier;
    private readonly InspectorOffline.CachedIssuerKeys _cached;

    public OfflineVerifierParityTests()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = ServerCredentials.RingKey.FromPrivateKey(ecdsa);
        _ring = new ServerCredentials.KeyRing([key], key);
        var options = Microsoft.Extensions.Options.Options.Create(new ServerCredentials.CredentialOptions());
        _issuer = new ServerCredentials.CredentialIssuer(_ring, options, _time);
        _serverVerifier = new ServerCredentials.CredentialVerifier(_ring, options, _time);
        // What ListIssuerKeys publishes, as the handheld caches it.
        // Fetched an hour before the checks: the handheld's clock is past its last fetch, as it always is.
        _cached = new InspectorOffline.CachedIssuerKeys(Start.AddHours(-1), "http://127.0.0.1/", options.Value.Issuer, (int)options.Value.MaxClockSkew.TotalSeconds,
            [new InspectorOffline.CachedKey(key.KeyIdHex, "ES256", key.SubjectPublicKeyInfo, key.NotBefore, key.NotAfter, true)]);
    }

    public void Dispose() => _ring.Dispose();

    private static ServerV1.License License() => new()
    {
        LicenseNumber = "11010519491231002X",
        HolderName = "张三 (synthetic)",
        LicenseClass = "C1",
        Status = ServerV1.LicenseStatus.Normal,
        ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
    };

    /// <summary>The verdict the server's verify path gives for what the credential alone decides.</summary>
    private static InspectorV1.Verdict Expected(ServerCredentials.CredentialStatus status) => status switch
    {
        ServerCredentials.CredentialStatus.Genuine => InspectorV1.Verdict.Valid,
        ServerCredentials.CredentialStatus.Malformed => InspectorV1.Verdict.Malformed,
        ServerCredentials.CredentialStatus.SignatureInvalid => InspectorV1.Verdict.SignatureInvalid,
        ServerCredentials.CredentialStatus.UnknownKey => InspectorV1.Verdict.UnknownKey,
        ServerCredentials.CredentialStatus.Expired => InspectorV1.Verdict.CredentialExpired,
        _ => InspectorV1.Verdict.CredentialNotYetValid,
    };

    private void AssertSameVerdict(string payload, TimeProvider? at = null)
    {
        using var offline = new InspectorOffline.OfflineVerifier(_cached, at ?? _time);
        var serverVerifier = at is null
            ? _serverVerifier
            : new ServerCredentials.CredentialVerifier(_ring, Microsoft.Extensions.Options.Options.Create(new ServerCredentials.CredentialOptions()), at);
        var server = serverVerifier.Verify(payload);
        var handheld = offline.Verify(payload);
        Assert.True(Expected(server.Status) == handheld.Verdict,
            $"server {server.Status} ({server.Detail}) but handheld {handheld.Verdict} ({handheld.Message}) for {payload}");
    }

    [Fact]
    public void Verify_EverySingleByteAndCharacterChange_SameVerdictAsServer()
    {
        var payload = _issuer.Issue(License()).QrPayload;
        AssertSameVerdict(payload);
        var text = payload["EDL1:".Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var length));
        for (var i = 0; i < length; i++)
        {
            var bytes = buffer[..length];
            bytes[i] ^= 0x01;
            AssertSameVerdict("EDL1:" + Base45.Encode(bytes));
        }

        for (var i = 0; i < payload.Length; i += 7)
        {
            AssertSameVerdict(payload[..i] + (payload[i] == 'A' ? 'B' : 'A') + payload[(i + 1)..]);
            AssertSameVerdict(payload[..i]);
        }
    }

    [Fact]
    public void Verify_HighSTwins_SignatureInvalidOnBoth()
    {
        // Many credentials, so that about half were high-S as signed and normalised by the issuer.
        for (var i = 0; i < 64; i++)
        {
            var payload = _issuer.Issue(License()).QrPayload;
            var text = payload["EDL1:".Length..];
            var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
            Assert.True(Base45.TryDecode(text, buffer, out var length));
            var bytes = buffer[..length];
            EcdsaLowS.Twin(bytes.AsSpan(length - 64));
            var twin = "EDL1:" + Base45.Encode(bytes);

            AssertSameVerdict(payload);
            AssertSameVerdict(twin);
            Assert.Equal(ServerCredentials.CredentialStatus.SignatureInvalid, _serverVerifier.Verify(twin).Status);
        }
    }

    [Theory]
    [InlineData(-31)]
    [InlineData(-30)]
    [InlineData(0)]
    [InlineData(180)]
    [InlineData(210)]
    [InlineData(211)]
    [InlineData(3600)]
    public void Verify_TimeWindow_SameVerdictAsServer(int secondsAfterIssue)
    {
        var issued = _issuer.Issue(License());

        AssertSameVerdict(issued.QrPayload, new FakeTimeProvider(issued.IssuedAt.AddSeconds(secondsAfterIssue)));
    }

    [Fact]
    public void Verify_ForeignKey_SameVerdictAsServer()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = ServerCredentials.RingKey.FromPrivateKey(ecdsa);
        using var ring = new ServerCredentials.KeyRing([foreign], foreign);
        var issuer = new ServerCredentials.CredentialIssuer(ring, Microsoft.Extensions.Options.Options.Create(new ServerCredentials.CredentialOptions()), _time);

        AssertSameVerdict(issuer.Issue(License()).QrPayload);
    }
}
