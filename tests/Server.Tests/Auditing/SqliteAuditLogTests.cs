using ELicense.Server.Auditing;
using ELicense.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class SqliteAuditLogTests : IAsyncLifetime
{
    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    [Theory]
    [InlineData(0, 512)]
    [InlineData(1, 7)] // waits for more records, and cuts batches at MaxBatch
    public async Task AppendAsync_5000From32Tasks_AllAcknowledgedPresentContiguousAndChainVerifies(int delayMs, int maxBatch)
    {
        const int tasks = 32, perTask = 5000 / 32 + 1;
        var options = _audit.Options(maxBatch: maxBatch);
        options.MaxBatchDelay = TimeSpan.FromMilliseconds(delayMs);
        var log = await _audit.OpenAsync(options);
        var records = Enumerable.Range(0, tasks)
            .Select(t => Enumerable.Range(0, perTask).Select(i => _audit.Record($"t{t}-{i}", result: $"r{t}")).ToArray())
            .ToArray();

        await Task.WhenAll(records.Select(batch => Task.Run(async () =>
        {
            foreach (var record in batch)
            {
                await log.AppendAsync(record, Ct);
            }
        }, Ct)));
        await log.DisposeAsync();

        var total = tasks * perTask;
        var stored = _audit.Stored();
        Assert.Equal(total, stored.Count);
        Assert.Equal(1, stored.Min(r => r.Sequence));
        Assert.Equal(total, stored.Max(r => r.Sequence));
        Assert.Equal(total, stored.Select(r => r.CallerId).Where(c => c.StartsWith('t')).Distinct().Count());
        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(total, result.RecordsChecked);
        Assert.Equal(total, result.HeadSequence);
    }

    [Fact]
    public async Task AppendAsync_BatchDelaySetButIdle_LoneRecordCommittedWithoutWaiting()
    {
        var options = _audit.Options();
        options.MaxBatchDelay = TimeSpan.FromSeconds(1);
        var frozen = new FakeTimeProvider(TempAudit.Start);
        await using var log = new SqliteAuditLog(options, NullLogger.Instance, frozen);
        await log.StartAsync(Ct);

        // The batch clock never moves: a delay applied while idle would never end.
        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync(_audit.Record($"lone{i}"), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }

        Assert.Equal(3, log.Commits);
    }

    [Fact]
    public async Task AppendAsync_BatchDelayUnderLoad_RestWaitsForTheDelayThenAllCommitted()
    {
        var options = _audit.Options(maxBatch: 10);
        options.MaxBatchDelay = TimeSpan.FromSeconds(1);
        var clock = new FakeTimeProvider(TempAudit.Start);
        await using var log = new SqliteAuditLog(options, NullLogger.Instance, clock);
        await log.StartAsync(Ct);

        var appends = Enumerable.Range(0, 50).Select(i => log.AppendAsync(_audit.Record($"load{i}"), Ct).AsTask()).ToList();
        await Task.WhenAny(appends).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains(appends, a => !a.IsCompleted); // the rest waits for the delay (the clock is frozen)

        // Each later batch waits one delay: advance until everything is in.
        var all = Task.WhenAll(appends);
        for (var step = 0; step < 100 && !all.IsCompleted; step++)
        {
            clock.Advance(options.MaxBatchDelay);
            await Task.WhenAny(all, Task.Delay(50, Ct));
        }

        await all.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True((await AuditChainVerifier.VerifyAsync(_audit.Path, Ct)).Intact);
        Assert.Equal(50, _audit.Stored().Count);
    }

    [Fact]
    public async Task AppendAsync_TwoWritersOnOneFile_OneIntactChain()
    {
        // Replicas share the audit file as they share the registry.
        var first = await _audit.OpenAsync();
        var second = await _audit.OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            (i % 2 == 0 ? first : second).AppendAsync(_audit.Record($"w{i}"), Ct).AsTask()));
        await first.DisposeAsync();
        await second.DisposeAsync();

        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact, result.ToString());
        Assert.Equal(400, result.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var log = await _audit.OpenAsync();
        await log.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await log.AppendAsync(_audit.Record("late"), Ct));
    }

    [Fact]
    public async Task DisposeAsync_RecordsStillQueued_CommitsThemAll()
    {
        var log = await _audit.OpenAsync();
        var appends = Enumerable.Range(0, 2000).Select(i => log.AppendAsync(_audit.Record($"q{i}"), Ct).AsTask()).ToList();

        await log.DisposeAsync();

        await Task.WhenAll(appends); // every one acknowledged, none faulted
        Assert.Equal(2000, _audit.Stored().Count);
        Assert.True((await AuditChainVerifier.VerifyAsync(_audit.Path, Ct)).Intact);
    }

    [Fact]
    public async Task AppendAsync_TokenCancelledAfterQueueing_CallerStopsWaitingButRecordIsWritten()
    {
        var log = await _audit.OpenAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await log.AppendAsync(_audit.Record("gone"), cancelled.Token));
        await log.DisposeAsync();

        Assert.Single(_audit.Stored(), r => r.CallerId == "gone");
    }

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
        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
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

        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(2, result.RecordsChecked);
        Assert.Equal(2, _audit.Stored().Single(r => r.CallerId == "after").Sequence);
    }

    [Fact]
    public async Task ListBySubjectAsync_Pages_NewestFirstBelowCursor()
    {
        var log = await _audit.OpenAsync();
        const string subject = "L:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", other = "V:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        var mine = new List<AuditRecord>();
        for (var i = 0; i < 25; i++)
        {
            var record = _audit.Record($"mine{i}", subject);
            mine.Add(record);
            await log.AppendAsync(record, Ct);
            await log.AppendAsync(_audit.Record($"other{i}", other), Ct);
        }

        var first = await log.ListBySubjectAsync(subject, null, 10, Ct);
        var second = await log.ListBySubjectAsync(subject, first[^1].Sequence, 10, Ct);
        var third = await log.ListBySubjectAsync(subject, second[^1].Sequence, 10, Ct);
        var fourth = await log.ListBySubjectAsync(subject, third[^1].Sequence, 10, Ct);

        Assert.Equal((10, 10, 5, 0), (first.Count, second.Count, third.Count, fourth.Count));
        var all = first.Concat(second).Concat(third).ToList();
        Assert.Equal(all.Select(e => e.Sequence).OrderDescending(), all.Select(e => e.Sequence));
        Assert.All(all, e => Assert.Equal(subject, e.Record.Subject));
        Assert.Equal(Enumerable.Reverse(mine), all.Select(e => e.Record)); // every field round-trips (times are whole ms)
        Assert.Equal(49, first[0].Sequence);
        Assert.Empty(await log.ListBySubjectAsync("P:none", null, 10, Ct));
    }

    [Fact]
    public async Task Reopen_AppendMore_ChainContinuesAndVerifies()
    {
        var first = await _audit.OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await first.AppendAsync(_audit.Record($"a{i}"), Ct);
        }

        await first.DisposeAsync();
        var second = await _audit.OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await second.AppendAsync(_audit.Record($"b{i}"), Ct);
        }

        await second.DisposeAsync();

        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(20, result.RecordsChecked);
        Assert.Equal(11, _audit.Stored().Single(r => r.CallerId == "b0").Sequence);
    }

    [Fact]
    public async Task Reopen_LastRecordRemovedWhileClosed_ContinuesFromCommittedHeadSoRemovalStaysVisible()
    {
        await _audit.WriteRecordsAsync(5);
        _audit.Tamper(records => records.Where(r => r.Sequence != 5));

        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("next"), Ct);
        await log.DisposeAsync();

        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.Equal(new AuditProblem(AuditProblemKind.Removed, 5, result.Problem!.Description), result.Problem);
        Assert.Equal(6, _audit.Stored().Single(r => r.CallerId == "next").Sequence);
    }

    [Fact]
    public async Task AppendAsync_UnpairedSurrogate_ThrowsArgumentException()
    {
        var log = await _audit.OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(_audit.Record("bad\uD800"), Ct));
        await log.AppendAsync(_audit.Record("good 京A12345 \U0001F600"), Ct); // paired surrogates are fine
    }

    [Fact]
    public async Task AppendAsync_EmptyAndNonAsciiText_StoredExactlyAndChainVerifies()
    {
        // Empty text must come back empty, the rest byte for byte (UTF-8 in the block, decoded strictly).
        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("", subject: "", result: "") with { DeviceId = "" }, Ct);
        await log.AppendAsync(_audit.Record("交警-京A12345 \U0001F600", subject: "L:é"), Ct);
        await log.DisposeAsync();

        var stored = _audit.Stored();
        Assert.Single(stored, r => r is { CallerId: "", DeviceId: "", Subject: "", Result: "" });
        Assert.Single(stored, r => r is { CallerId: "交警-京A12345 \U0001F600", Subject: "L:é" });
        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(2, result.RecordsChecked);
    }

    [Fact]
    public async Task StartAsync_ReplicaWithAnotherSubjectKey_RefusesToStartSameKeyStarts()
    {
        // Two replicas on one file: the first records its key's fingerprint; one with another key would
        // write subjects the holder's view never finds, so it must not start.
        await using (var first = Provider(subjectKey: Key(1)))
        {
            await first.GetRequiredService<SqliteAuditLog>().StartAsync(Ct);
            await first.GetRequiredService<SqliteAuditLog>().StopAsync(Ct);
        }

        await using var other = Provider(subjectKey: Key(2));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => other.GetRequiredService<SqliteAuditLog>().StartAsync(Ct));
        Assert.Contains("different subject key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key(2), refused.Message, StringComparison.Ordinal); // the key itself is never shown

        await using var same = Provider(subjectKey: Key(1));
        var log = same.GetRequiredService<SqliteAuditLog>();
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
        var services = new ServiceCollection().AddLogging().AddAuditing(configuration);
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
        var result = await AuditChainVerifier.VerifyAsync(_audit.Path, Ct);
        Assert.True(result.Intact);
        Assert.Equal(1, result.RecordsChecked);
    }
}
