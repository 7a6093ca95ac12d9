
using System.Security.Cryptography;
using ELicense.Core.Credentials;
using ELicense.Inspector.Offline;
using ELicense.Server.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using CredentialCheck = ELicense.Core.Credentials.CredentialCheck<ELicense.Core.Credentials.CredentialClaims>;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The one decoder with both key sources, over the same corpus of good and bad credentials: the server's
/// (its key ring, the policy of its configuration) and the handheld's (the keys and policy it cached from
/// ListIssuerKeys, as <see cref="CachedIssuerKeys.From"/> stores them). Both must reach the same finding
/// with the same detail, and the handheld's offline verdict must be the server's for everything a
/// credential alone decides.
/// </summary>
public sealed class OneDecoderParityTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CredentialOptions _options = new();
    private readonly KeyRing _ring;
    private readonly CredentialIssuer _issuer;
    private readonly CachedIssuerKeys _cached;
    private readonly CachedKeySource _cachedSource;

    public OneDecoderParityTests()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = RingKey.FromPrivateKey(ecdsa);
        _ring = new KeyRing([key], key);
        _issuer = new CredentialIssuer(_ring, Microsoft.Extensions.Options.Options.Create(_options), _time);
        // What ListIssuerKeys publishes, as the handheld caches it.
        // Fetched an hour before the checks: the handheld's clock is past its last fetch, as it always is.
        _cached = CachedIssuerKeys.From(IssuerKeysPublication.Create(_ring, _options.LicensePolicy()), new Uri("http://127.0.0.1/"), Start.AddHours(-1));
        _cachedSource = new CachedKeySource(_cached);
    }

    public void Dispose()
    {
        _cachedSource.Dispose();
        _ring.Dispose();
    }

    private static License License() => new()
    {
        LicenseNumber = "11010519491231002X",
        HolderName = "张三 (synthetic)",
        LicenseClass = "C1",
        Status = LicenseStatus.Normal,
        ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
    };

    /// <summary>The verdict the server's verify path gives for what the credential alone decides.</summary>
    private static Verdict Expected(CredentialStatus status) =>
        status == CredentialStatus.Genuine ? Verdict.Valid : CredentialVerdicts.Of(status);

    private CredentialCheck AssertSameVerdict(string payload, TimeProvider? at = null)
    {
        var clock = at ?? _time;
        // The server's side: its verifier over its key ring, its policy from its options.
        var server = new CredentialVerifier(_ring, Microsoft.Extensions.Options.Options.Create(_options), clock).Verify(payload);
        // The same decoder over the handheld's key source, under the policy the handheld cached.
        var policy = _cached.LicensePolicy(out var problem) ?? throw new InvalidOperationException(problem);
        var handheldCheck = new CredentialDecoder<CredentialClaims>(LicenseDocument.Instance, policy, _cachedSource, clock).Verify(payload);
        // And the handheld's whole offline answer, as the console gets it.
        using var offline = new OfflineVerifier(_cached, clock);
        var handheld = offline.Verify(payload);

        Assert.True(server.Status == handheldCheck.Status,
            $"server {server.Status} ({server.Detail}) but handheld's decoder {handheldCheck.Status} ({handheldCheck.Detail}) for {payload}");
        Assert.Equal(server.Detail.Replace("a key of this issuer", "among the cached issuer keys", StringComparison.Ordinal), handheldCheck.Detail);
        Assert.Equal(Describe(server.Claims), Describe(handheldCheck.Claims));
        Assert.Equal(server.Key?.KeyIdHex, handheldCheck.Key?.KeyIdHex);
        Assert.True(Expected(server.Status) == handheld.Verdict,
            $"server {server.Status} ({server.Detail}) but handheld {handheld.Verdict} ({handheld.Message}) for {payload}");
        return server;
    }

    // The record's TokenId is an array, compared by reference: compare what the claims say instead.
    private static string? Describe(CredentialClaims? claims) => claims is null
        ? null
        : $"{claims.Issuer} {claims.IssuedAt:O} {claims.ExpiresAt:O} {Convert.ToHexStringLower(claims.TokenId)} {claims.Snapshot}";

    [Fact]
    public void Verify_PublishedPolicy_IsTheServersPolicy()
    {
        var server = new CredentialVerifier(_ring, Microsoft.Extensions.Options.Options.Create(_options), _time);

        Assert.Equal(server.Policy, _cached.LicensePolicy(out _));
    }

    [Fact]
    public void Verify_EverySingleByteAndCharacterChange_SameVerdictAsServer()
    {
        var payload = _issuer.Issue(License()).QrPayload;
        Assert.Equal(CredentialStatus.Genuine, AssertSameVerdict(payload).Status);
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

    [Theory]
    [InlineData("")]
    [InlineData("EDL1:")]
    [InlineData("EDL2:AAAA")]
    [InlineData("EDL1:not base45 ~~~")]
    [InlineData("EDL1:0000")]
    public void Verify_Garbage_SameVerdictAsServer(string payload)
    {
        Assert.Equal(CredentialStatus.Malformed, AssertSameVerdict(payload).Status);
    }

    [Fact]
    public void Verify_OversizedPayload_SameVerdictAsServer()
    {
        Assert.Equal(CredentialStatus.Malformed, AssertSameVerdict("EDL1:" + new string('0', _options.MaxPayloadLength)).Status);
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
            Assert.Equal(CredentialStatus.SignatureInvalid, AssertSameVerdict(twin).Status);
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
        var foreign = RingKey.FromPrivateKey(ecdsa);
        using var ring = new KeyRing([foreign], foreign);
        var issuer = new CredentialIssuer(ring, Microsoft.Extensions.Options.Options.Create(new CredentialOptions()), _time);

        Assert.Equal(CredentialStatus.UnknownKey, AssertSameVerdict(issuer.Issue(License()).QrPayload).Status);
    }

    [Fact]
    public void Verify_OtherIssuerAndLongLifetime_SameVerdictAsServer()
    {
        var other = new CredentialIssuer(_ring, Microsoft.Extensions.Options.Options.Create(new CredentialOptions { Issuer = "someone-else" }), _time);
        var longLived = new CredentialIssuer(_ring, Microsoft.Extensions.Options.Options.Create(new CredentialOptions { MaxLifetime = TimeSpan.FromMinutes(30) }), _time);

        Assert.Equal(CredentialStatus.Malformed, AssertSameVerdict(other.Issue(License()).QrPayload).Status);
        Assert.Equal(CredentialStatus.Malformed, AssertSameVerdict(longLived.Issue(License(), TimeSpan.FromMinutes(20)).QrPayload).Status);
    }
}
