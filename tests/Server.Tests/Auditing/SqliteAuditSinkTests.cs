using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using ELicense.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>
/// What only the SQLite engine shows: its own failures (a locked file, a failing statement), a file edited
/// while closed, and the host's wiring of the SQLite sink. The engine-neutral checks are the contract
/// suites (Contract/, run on SQLite by SqliteAuditSinkContractTests and SqliteAuditWriterTests).
/// </summary>
public sealed class SqliteAuditSinkTests : IAsyncLifetime
{
    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    [Fact]
    public async Task AppendAsync_FileLockedByAnotherConnection_FaultsEveryAppendAndAcknowledgesNothing()
    {
        var log = await _audit.OpenAsync(_audit.Options(busyTimeoutMs: 0));
        await log.AppendAsync(_audit.Record("before"), Ct);

        using (var locker = _audit.Connect())
        using (var hold = locker.BeginTransaction(deferred: false)) // BEGIN IMMEDIATE: holds the write lock
        {
            var appends = Enumerable.Range(0, 20).Select(i => log.AppendAsync(_audit.Record($"blocked{i}"), Ct).AsTask()).ToList();
            foreach (var append in appends)
            {
                var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => append);
                Assert.NotNull(error.InnerException);
            }

            hold.Rollback();
        }

        await log.AppendAsync(_audit.Record("after"), Ct);
        await log.DisposeAsync();

        Assert.DoesNotContain(_audit.Stored(), r => r.CallerId.StartsWith("blocked", StringComparison.Ordinal));
        var result = await _audit.VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(2, result.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_TransactionFailsJustBeforeCommit_BatchRolledBackFaultedAndChainContinues()
    {
        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("before"), Ct);
        // The meta update is the batch's last statement before COMMIT: failing it proves the inserts roll back.
        _audit.Execute("CREATE TRIGGER fail_commit BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

        var appends = Enumerable.Range(0, 50).Select(i => log.AppendAsync(_audit.Record($"doomed{i}"), Ct).AsTask()).ToList();
        foreach (var append in appends)
        {
            await Assert.ThrowsAsync<AuditUnavailableException>(() => append);
        }

        Assert.Single(_audit.Stored());
        _audit.Execute("DROP TRIGGER fail_commit;");
        await log.AppendAsync(_audit.Record("after"), Ct);
        await log.DisposeAsync();

        var result = await _audit.VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(2, result.RecordsChecked);
        Assert.Equal(2, _audit.Stored().Single(r => r.CallerId == "after").Sequence);
    }

    [Fact]
    public async Task OpenViewAsync_NoFileYet_ThrowsFileNotFoundAsEveryTrailSource()
    {
        await using var sink = new ELicense.Server.Auditing.Sqlite.SqliteAuditSink(_audit.Options(), NullLogger.Instance);

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await sink.OpenViewAsync(Ct));
        Assert.False(File.Exists(_audit.Path)); // reading never creates the trail
    }

    [Fact]
    public async Task Reopen_LastRecordRemovedWhileClosed_ContinuesFromCommittedHeadSoRemovalStaysVisible()
    {
        await _audit.WriteRecordsAsync(5);
        _audit.Tamper(records => records.Where(r => r.Sequence != 5));

        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("next"), Ct);
        await log.DisposeAsync();

        var result = await _audit.VerifyAsync();
        Assert.Equal(new AuditProblem(AuditProblemKind.Removed, 5, result.Problem!.Description), result.Problem);
        Assert.Equal(6, _audit.Stored().Single(r => r.CallerId == "next").Sequence);
    }

    [Fact]
    public async Task StartAsync_ReplicaWithAnotherSubjectKey_RefusesToStartSameKeyStarts()
    {
        // Two replicas on one file: the first records its key's fingerprint; one with another key would
        // write subjects the holder's view never finds, so it must not start.
        await using (var first = Provider(subjectKey: Key(1)))
        {
            await first.GetRequiredService<AuditWriter>().StartAsync(Ct);
            await first.GetRequiredService<AuditWriter>().StopAsync(Ct);
        }

        await using var other = Provider(subjectKey: Key(2));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => other.GetRequiredService<AuditWriter>().StartAsync(Ct));
        Assert.Contains("different subject key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key(2), refused.Message, StringComparison.Ordinal); // the key itself is never shown

        await using var same = Provider(subjectKey: Key(1));
        var log = same.GetRequiredService<AuditWriter>();
        await log.StartAsync(Ct);
        await log.AppendAsync(_audit.Record("after-restart"), Ct);
        await log.StopAsync(Ct);
    }

    private ServiceProvider Provider(string subjectKey) => new ServiceCollection().AddLogging()
        .AddAuditing(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audit:Path"] = _audit.Path,
            ["Audit:SubjectKey"] = subjectKey,
        }).Build())
        .AddAuditEngine(new ConfigurationBuilder().Build())
        .BuildServiceProvider(validateScopes: true);

    private static string Key(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, AuditOptions.SubjectKeyBytes).ToArray());

    [Fact]
    public async Task AddAuditing_HostStartsAndStopsTheLog_AppendsAreCommitted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audit:Path"] = _audit.Path,
            ["Audit:SubjectKeyPath"] = Path.Combine(_audit.Directory, "key.bin"),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddAuditing(configuration).AddAuditEngine(configuration);
        await using (var provider = services.BuildServiceProvider(validateScopes: true))
        {
            var hosted = provider.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(Ct);
            }

            var subjects = provider.GetRequiredService<AuditSubjects>();
            var log = provider.GetRequiredService<IAuditLog>();
            await log.AppendAsync(_audit.Record("host", subjects.License("110105194912310021")), Ct);
            foreach (var service in hosted)
            {
                await service.StopAsync(Ct);
            }

            Assert.Same(log, Assert.Single(hosted));
        }

        Assert.True(File.Exists(Path.Combine(_audit.Directory, "key.bin")));
        var result = await _audit.VerifyAsync();
        Assert.True(result.Intact);
        Assert.Equal(1, result.RecordsChecked);
    }
}
