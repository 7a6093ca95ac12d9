
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using ServerCredentials = ELicense.Server.Credentials;
using ELicense.Core.Credentials;

namespace ELicense.IntegrationTests;

/// <summary>On the SQLite registry (the shared environment): one file, one Redis, two replicas.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class VerifyCredentialTests(SharedEnvironment env) : VerifyCredentialCases(env);

/// <summary>The verify path through real calls, on whichever engine <see cref="IReplicaEnvironment"/> holds the registry.</summary>
public abstract class VerifyCredentialCases(IReplicaEnvironment env)
{
    private ServerInstance Server => env.ServerA;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<VerifyCredentialResponse> VerifyAsync(string payload, string device = "handheld-1") =>
        Server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = device }, cancellationToken: Ct).ResponseAsync;

    [Fact]
    public async Task VerifyCredential_FreshCredential_IsValidWithLicenceAndFreshness()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);

        var response = await VerifyAsync(payload);

        Assert.Equal(Verdict.Valid, response.Verdict);
        Assert.Equal(license.LicenseNumber, response.License.LicenseNumber);
        Assert.Equal(license.LicenseNumber, response.Credential.Snapshot.LicenseNumber);
        Assert.Equal(ReplayCheck.Shared, response.ReplayCheck);
        Assert.False(response.RepeatScan);
        Assert.NotEqual(DataSource.Unspecified, response.Freshness.Source);
        Assert.False(response.Freshness.Stale);
        Assert.NotNull(response.VerifyTime);
    }

    [Fact]
    public async Task VerifyCredential_OneByteTampered_IsSignatureInvalid()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);
        var cose = Base45Decode(payload["EDL1:".Length..]);
        cose[^10] ^= 0x01; // inside the signature

        var response = await VerifyAsync("EDL1:" + Base45.Encode(cose));

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
        Assert.Null(response.License);
    }

    [Fact]
    public async Task VerifyCredential_ClaimByteTampered_IsSignatureInvalid()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);
        var cose = Base45Decode(payload["EDL1:".Length..]);
        var at = cose.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(license.LicenseNumber));
        cose[at + 17] ^= 0x01; // the licence number's check character: a different licence

        var response = await VerifyAsync("EDL1:" + Base45.Encode(cose));

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
    }

    [Fact]
    public async Task VerifyCredential_Expired_IsCredentialExpired()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        // Minted with the server's own key on a clock ten minutes in the past.
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        var options = new ServerCredentials.CredentialOptions { DevelopmentKeyPath = Path.Combine(env.DataDirectory, "issuer-dev-key.pem") };
        using var ring = ServerCredentials.KeyRingLoader.Load(options, past, NullLogger.Instance);
        var issuer = new ServerCredentials.CredentialIssuer(ring, Microsoft.Extensions.Options.Options.Create(options), past);
        var payload = issuer.Issue(ELicense.V1.License.Parser.ParseFrom(license.ToByteArray())).QrPayload;

        var response = await VerifyAsync(payload);

        Assert.Equal(Verdict.CredentialExpired, response.Verdict);
        Assert.Equal(license.LicenseNumber, response.Credential.Snapshot.LicenseNumber);
        Assert.Equal(ReplayCheck.Unspecified, response.ReplayCheck);
    }

    [Fact]
    public async Task VerifyCredential_SameDeviceScansTwice_SecondIsFlaggedRepeat()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);

        var first = await VerifyAsync(payload, "handheld-repeat");
        var second = await VerifyAsync(payload, "handheld-repeat");

        Assert.Equal(Verdict.Valid, first.Verdict);
        Assert.Equal(Verdict.Valid, second.Verdict);
        Assert.True(second.RepeatScan);
        Assert.NotNull(second.FirstScanTime);
    }

    [Fact]
    public async Task VerifyCredential_OtherDeviceOnOtherReplica_IsReplayed()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);

        var first = await VerifyAsync(payload, "handheld-a");
        var replay = await env.ServerB.Verification.VerifyCredentialAsync(
            new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-b" }, cancellationToken: Ct);

        Assert.Equal(Verdict.Valid, first.Verdict);
        Assert.Equal(Verdict.Replayed, replay.Verdict);
        Assert.Null(replay.License);
        Assert.NotNull(replay.FirstScanTime);
    }

    [Fact]
    public async Task VerifyCredential_RevokedLicence_IsLicenseNotValid()
    {
        var license = await TestData.CreateLicenseAsync(Server, LicenseStatus.Revoked);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);

        var response = await VerifyAsync(payload);

        Assert.Equal(Verdict.LicenseNotValid, response.Verdict);
        Assert.Contains(NotValidReason.Status, response.NotValidReasons);
        Assert.Equal(LicenseStatus.Revoked, response.License.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://example.invalid/not-a-credential")]
    [InlineData("EDL1:%%%%")]
    [InlineData("EDL1:6BFOXN*TS0BI$ZD")]
    public async Task VerifyCredential_MalformedPayload_IsMalformedVerdictNotError(string payload)
    {
        var response = await VerifyAsync(payload);

        Assert.Equal(Verdict.Malformed, response.Verdict);
        Assert.False(string.IsNullOrEmpty(response.Message));
    }

    [Fact]
    public async Task VerifyCredential_HugePayload_IsMalformedVerdict()
    {
        var response = await VerifyAsync("EDL1:" + new string('A', 30_000));

        Assert.Equal(Verdict.Malformed, response.Verdict);
    }

    [Fact]
    public async Task VerifyCredential_MissingDeviceId_IsInvalidArgumentWithFieldViolation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync("EDL1:", device: ""));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = TestData.RichStatus(error).GetDetail<Google.Rpc.BadRequest>();
        Assert.Equal("device_id", Assert.Single(badRequest!.FieldViolations).Field);
    }

    [Fact]
    public async Task VerifyCredentials_Stream_AnswersEachInOrder()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var payload = await TestData.IssueAsync(Server, license.LicenseNumber);
        using var call = Server.Verification.VerifyCredentials(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new VerifyCredentialsRequest { QrPayload = payload, DeviceId = "gate-1", RequestId = "r1" }, Ct);
        await call.RequestStream.WriteAsync(new VerifyCredentialsRequest { QrPayload = "garbage", DeviceId = "gate-1", RequestId = "r2" }, Ct);
        await call.RequestStream.WriteAsync(new VerifyCredentialsRequest { QrPayload = payload, DeviceId = "gate-2", RequestId = "r3" }, Ct);
        await call.RequestStream.CompleteAsync();
        var responses = new List<VerifyCredentialsResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(Ct))
        {
            responses.Add(response);
        }

        Assert.Equal(["r1", "r2", "r3"], responses.Select(r => r.RequestId));
        Assert.Equal([Verdict.Valid, Verdict.Malformed, Verdict.Replayed], responses.Select(r => r.Verdict));
        Assert.Equal(license.LicenseNumber, responses[0].License.LicenseNumber);
    }

    [Fact]
    public async Task ListIssuerKeys_DevelopmentKey_VerifiesAnIssuedCredentialOffline()
    {
        var license = await TestData.CreateLicenseAsync(Server);
        var issued = await Server.Registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct);

        var keys = await Server.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), cancellationToken: Ct);

        var key = Assert.Single(keys.Keys);
        Assert.True(key.Signing);
        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal(issued.KeyId, key.KeyId);
        Assert.Equal(30, keys.MaxClockSkewSeconds);
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKeySpki.Span, out _);
        var message = System.Security.Cryptography.Cose.CoseMessage.DecodeSign1(Base45Decode(issued.QrPayload["EDL1:".Length..]));
        Assert.True(message.VerifyEmbedded(ecdsa));

        // The policy beside the keys, and the handheld's one decoder following it offline.
        Assert.Equal(
            [(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 600), (CredentialDocumentType.InspectionMark, "EVM1:", 2048, 823 * 86400)],
            keys.DocumentPolicies.Select(p => (p.DocumentType, p.Prefix, p.MaxPayloadLength, p.MaxLifetimeSeconds)));
        var cached = ELicense.Inspector.Offline.CachedIssuerKeys.From(keys, new Uri("http://127.0.0.1/"), DateTimeOffset.UtcNow.AddMinutes(-1));
        using var offline = new ELicense.Inspector.Offline.OfflineVerifier(cached, TimeProvider.System);
        var verdict = offline.Verify(issued.QrPayload);
        Assert.True(verdict.Verdict == Verdict.Valid, $"{verdict.Verdict}: {verdict.Message}");
    }

    private static byte[] Base45Decode(string text)
    {
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }
}
