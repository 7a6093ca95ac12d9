
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Handheld = ELicense.Inspector.Handheld;
using ClientCli = ELicense.Client.Cli;
using ClientConnection = ELicense.Client.Connection;
using Offline = ELicense.Inspector.Offline;
using InspectorV1 = ELicense.V1;
using ServerCredentials = ELicense.Server.Credentials;
using UiText = ELicense.Inspector.Localization.UiText;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// A handheld that loses its server: checks offline with the cached keys, queues, and re-verifies online
/// when the server is back — against a real server that is stopped and started again.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class OfflineSyncTests(SharedEnvironment env) : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("elicense-sync-it-").FullName;
    private readonly string _cache = Directory.CreateTempSubdirectory("elicense-sync-cache-").FullName;
    private readonly int _port = RedisServer.FreePort();
    private readonly List<ClientConnection.RpcSession> _sessions = [];
    private ServerInstance? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_cache, recursive: true);
    }

    /// <summary>A server of its own on a fixed port, so that the handheld finds it again after a restart.</summary>
    private async Task<ServerInstance> StartServerAsync() =>
        _server = await ServerInstance.StartAsync(_data, env.Redis.Configuration, ["--urls", $"http://127.0.0.1:{_port}"]);

    private async Task StopServerAsync()
    {
        await _server!.DisposeAsync();
        _server = null;
    }

    private Handheld.HandheldController CreateHandheld(Uri server, TimeProvider time, bool forcedOffline = false)
    {
        var options = new ClientConnection.ConnectionOptions(server, TimeSpan.FromSeconds(5), Retries: 0, "sync-it-handheld")
        {
            ApiKey = new ClientCli.Secret(TestCallers.Officer.Key),
        };
        var session = new ClientConnection.RpcSession(options);
        _sessions.Add(session);
        return new Handheld.HandheldController(
            new Handheld.HandheldOptions("it-officer", options.DeviceId, server, options.Deadline, forcedOffline, _cache, TimeSpan.Zero, _cache),
            new Handheld.RpcCheckBackend(session), UiText.English, time, _ => null);
    }

    private static Task<bool> Handle(Handheld.HandheldController controller, Handheld.InputEvent input) =>
        controller.HandleAsync(input, (_, _) => Task.FromResult<string?>(null), Ct);

    [Fact]
    public async Task ServerStoppedAndRestarted_OfflineChecksAreQueuedThenReverifiedAndDifferencesFlagged()
    {
        var server = await StartServerAsync();
        var stays = await TestData.CreateLicenseAsync(server);
        var revoked = await TestData.CreateLicenseAsync(server);
        var staysPayload = await TestData.IssueAsync(server, stays.LicenseNumber);
        var revokedPayload = await TestData.IssueAsync(server, revoked.LicenseNumber);
        using var handheld = CreateHandheld(server.Address, TimeProvider.System);
        await handheld.StartAsync(Ct);
        Assert.Equal(Handheld.ConnectionState.Online, handheld.State.Connection);

        // The connection goes: both codes are checked on the handheld with the keys it fetched at start.
        await StopServerAsync();
        await Handle(handheld, new Handheld.InputEvent.Line(staysPayload));
        var offline = handheld.State.Current!;
        await Handle(handheld, new Handheld.InputEvent.Line(revokedPayload));

        Assert.True(offline.Offline);
        Assert.Equal(InspectorV1.Verdict.Valid, offline.Response.Verdict);
        Assert.Equal(stays.LicenseNumber, offline.Response.Credential.Snapshot.LicenseNumber);
        Assert.Equal(Handheld.ConnectionState.Offline, handheld.State.Connection);
        Assert.Equal(2, handheld.State.Queued);
        Assert.Equal(2, Offline.OfflineQueue.Load(_cache, DateTimeOffset.UtcNow).Items.Count);

        // Meanwhile the registry revokes the second licence; then the server is back.
        server = await StartServerAsync();
        await server.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = revoked.LicenseNumber, Status = LicenseStatus.Revoked }, cancellationToken: Ct);
        // The idle console probes at every tick (interval zero here); the channel may still be backing off
        // from the failed attempts for a moment, as on a real handheld.
        await TestData.EventuallyAsync(async () =>
        {
            await Handle(handheld, new Handheld.InputEvent.Tick());
            return handheld.State.Connection == Handheld.ConnectionState.Online && handheld.State.Queued == 0;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(0, handheld.State.Queued);
        Assert.Empty(Offline.OfflineQueue.Load(_cache, DateTimeOffset.UtcNow).Items);
        var history = handheld.State.History;
        Assert.Equal(Handheld.SyncState.Confirmed, history[^2].Sync);
        Assert.Equal("VALID", history[^2].LiveResultCode);
        Assert.Equal(Handheld.SyncState.Differs, history[^1].Sync);
        Assert.Equal("LICENSE_NOT_VALID", history[^1].LiveResultCode);
        var report = Assert.IsType<Handheld.Detail.Sync>(handheld.State.Detail);
        Assert.Equal(InspectorV1.LicenseStatus.Revoked, report.Results.Single(r => r.Outcome == Offline.SyncOutcome.Differs).LiveLicense!.Status);
    }

    [Fact]
    public async Task CodeExpiredBeforeSync_LiveLicenceDecides_AfterAHandheldRestart()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        // A code issued ten minutes ago with the server's own key: expired by the time it is synced.
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        var options = new ServerCredentials.CredentialOptions { DevelopmentKeyPath = Path.Combine(env.DataDirectory, "issuer-dev-key.pem") };
        using var ring = ServerCredentials.KeyRingLoader.Load(options, past, NullLogger.Instance);
        var issuer = new ServerCredentials.CredentialIssuer(ring, Microsoft.Extensions.Options.Options.Create(options), past);
        var payload = issuer.Issue(ELicense.V1.License.Parser.ParseFrom(license.ToByteArray())).QrPayload;

        // Keys fetched and the code checked ten minutes ago, by the handheld's clock of then.
        using (var first = CreateHandheld(env.ServerA.Address, past))
        {
            await first.StartAsync(Ct); // fetches and caches the keys
        }

        past.Advance(TimeSpan.FromSeconds(20));
        using (var offline = CreateHandheld(env.ServerA.Address, past, forcedOffline: true))
        {
            await offline.StartAsync(Ct);
            await Handle(offline, new Handheld.InputEvent.Line(payload));
            Assert.Equal(InspectorV1.Verdict.Valid, offline.State.Current!.Response.Verdict);
            Assert.Equal(1, offline.State.Queued);
        }

        using var online = CreateHandheld(env.ServerA.Address, TimeProvider.System);
        await online.StartAsync(Ct);

        var entry = Assert.Single(online.State.History);
        Assert.Equal(Handheld.SyncState.Confirmed, entry.Sync);
        Assert.Equal("VALID_NOW", entry.LiveResultCode);
        Assert.Equal(0, online.State.Queued);
    }
}
