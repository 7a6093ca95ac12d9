using ELicense.Server.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>
/// The holder's view of the trail (<see cref="AuditWriter.ListBySubjectAsync"/>) through the
/// log-structured subject index: the same complete answer however much of the trail is indexed, in how
/// many runs and levels, and after the index is lost or belongs to another trail.
/// </summary>
public sealed class AuditSubjectIndexTests : IAsyncLifetime
{
    private const int Subjects = 23;

    private readonly TempAudit _audit = new();

    /// <summary>What was appended, in sequence order (sequence = index + 1: appended one at a time).</summary>
    private readonly List<AuditRecord> _appended = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string IndexPath => _audit.Options().ResolveSubjectIndexPath();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    [Fact]
    public async Task ListBySubjectAsync_IndexedInManyRunsAndMerged_SameAsEveryRecordOfTheSubject()
    {
        var log = await _audit.OpenAsync(Quiet());
        var random = new Random(20261126);

        // Before any pass (all from the trail), then with ever more of it indexed in runs of varying
        // size: 8 runs of a level merge into one of the next, so this reaches level 2.
        await CheckAllSubjectsAsync(log, random);
        for (var pass = 0; pass < 80; pass++)
        {
            await AppendAsync(log, random.Next(1, 40), random);
            Assert.True(await log.IndexSubjectsAsync() > 0);
            if (pass % 9 == 0)
            {
                await AppendAsync(log, random.Next(1, 10), random); // an unindexed tail on top of the runs
                await CheckAllSubjectsAsync(log, random);
            }
        }

        await CheckAllSubjectsAsync(log, random);
        Assert.Equal(0, await log.IndexSubjectsAsync());
        Assert.True(IndexScalar("SELECT max(level) FROM runs") >= 2, "the passes should have merged runs twice over");
        Assert.True(IndexScalar("SELECT count(*) FROM runs") < 80);
        Assert.Equal(_appended.Count, IndexScalar("SELECT count(*) FROM entries"));
        Assert.Equal(_appended.Count, IndexScalar("SELECT sum(records) FROM runs"));
    }

    [Fact]
    public async Task ListBySubjectAsync_IndexFileDeleted_CompleteBeforeAndAfterTheRebuild()
    {
        var random = new Random(7);
        var first = await _audit.OpenAsync(Quiet());
        await AppendAsync(first, 300, random);
        await first.IndexSubjectsAsync();
        await first.DisposeAsync();
        DeleteFiles(Path.GetFileName(IndexPath) + "*");

        var second = await _audit.OpenAsync(Quiet());
        await CheckAllSubjectsAsync(second, random); // nothing indexed: all from the trail
        Assert.Equal(300, await second.IndexSubjectsAsync());
        await CheckAllSubjectsAsync(second, random);
    }

    [Fact]
    public async Task IndexSubjects_IndexOfAnotherTrail_ResetAndRebuilt()
    {
        var random = new Random(11);
        var first = await _audit.OpenAsync(Quiet());
        await AppendAsync(first, 200, random);
        await first.IndexSubjectsAsync();
        await first.DisposeAsync();

        // Another trail in the same place (say, restored from elsewhere) beside the old trail's index.
        DeleteFiles("audit.db*");

        _appended.Clear();
        var second = await _audit.OpenAsync(Quiet());
        await AppendAsync(second, 250, random, subjectSalt: "other");

        Assert.Equal(250, await second.IndexSubjectsAsync());
        await CheckAllSubjectsAsync(second, random);
        Assert.Equal(250, IndexScalar("SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task IndexSubjects_TrailReplacedByAnEmptyOne_ResetPersists()
    {
        var first = await _audit.OpenAsync(Quiet());
        await AppendAsync(first, 30, new Random(13));
        await first.IndexSubjectsAsync();
        await first.DisposeAsync();
        DeleteFiles("audit.db*");

        var second = await _audit.OpenAsync(Quiet());

        Assert.Equal(0, await second.IndexSubjectsAsync());
        Assert.Equal(0, IndexScalar("SELECT indexed_seq FROM state"));
        Assert.Equal(0, IndexScalar("SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task Open_IndexFileNotADatabase_SaysToDeleteIt()
    {
        await File.WriteAllTextAsync(IndexPath, new string('x', 8192), Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _audit.OpenAsync(Quiet()));

        Assert.Contains("delete it", error.Message, StringComparison.Ordinal);
        Assert.Contains(IndexPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListBySubjectAsync_IndexEntryDisagreesWithTrail_EntryNotShown()
    {
        var log = await _audit.OpenAsync(Quiet());
        await AppendAsync(log, 50, new Random(3));
        await log.IndexSubjectsAsync();
        var victim = _appended[0].Subject;
        var before = await log.ListBySubjectAsync(victim, null, 100, Ct);

        // Point the victim's subject at every record: only the victim's own may come back.
        IndexExecute("INSERT OR IGNORE INTO entries (run_id, subject, seq) SELECT (SELECT max(run_id) FROM runs), $s, seq FROM entries",
            ("$s", victim));

        Assert.Equal(before, await log.ListBySubjectAsync(victim, null, 100, Ct));
    }

    [Fact]
    public async Task Indexer_OnEachTick_TakesInWhatWasCommitted()
    {
        var clock = new FakeTimeProvider(TempAudit.Start);
        var options = _audit.Options();
        options.SubjectIndexInterval = TimeSpan.FromSeconds(5);
        await using var log = TempAudit.Writer(options, clock);
        var passed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        log.AfterIndexPass = indexed => passed.TrySetResult(indexed);
        await log.StartAsync(Ct);
        await AppendAsync(log, 40, new Random(5));

        Assert.Equal(0, IndexScalar("SELECT indexed_seq FROM state"));
        clock.Advance(TimeSpan.FromSeconds(5));

        // The pass runs on the pool after the tick: wait for it (bounded), not for a time.
        Assert.Equal(40, await passed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(40, IndexScalar("SELECT indexed_seq FROM state"));
        Assert.Equal(40, IndexScalar("SELECT count(*) FROM entries"));
    }

    [Theory]
    [InlineData("data/audit.db", "data/audit.subjects.db")]
    [InlineData("/var/lib/elicense/trail", "/var/lib/elicense/trail.subjects.db")]
    [InlineData("a.b/audit.sqlite", "a.b/audit.subjects.sqlite")]
    public void ResolveSubjectIndexPath_NotConfigured_BesideTheTrail(string path, string expected) =>
        Assert.Equal(expected, new AuditOptions { Path = path }.ResolveSubjectIndexPath());

    [Theory]
    [InlineData(null, 0.005, "SubjectIndexInterval")]
    [InlineData(null, 601.0, "SubjectIndexInterval")]
    [InlineData("data/audit.db", 1.0, "must not be the audit file")]
    public void Validate_BadSubjectIndexSettings_NamesTheProblem(string? indexPath, double intervalSeconds, string expected)
    {
        var options = new AuditOptions { SubjectIndexPath = indexPath, SubjectIndexInterval = TimeSpan.FromSeconds(intervalSeconds) };

        Assert.Contains(options.Validate(), error => error.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>Options whose timer never fires during a test: passes run when the test says.</summary>
    private AuditOptions Quiet()
    {
        var options = _audit.Options();
        options.SubjectIndexInterval = TimeSpan.FromMinutes(10);
        return options;
    }

    private async Task AppendAsync(AuditWriter log, int count, Random random, string subjectSalt = "")
    {
        for (var i = 0; i < count; i++)
        {
            // Skewed, as real traffic is: a few licences are checked far more often than the rest.
            var subject = $"L:{subjectSalt}{Math.Min(random.Next(Subjects), random.Next(Subjects)):x32}";
            var record = _audit.Record($"c{_appended.Count + 1}", subject);
            await log.AppendAsync(record, Ct);
            _appended.Add(record);
        }
    }

    /// <summary>Pages through every subject's records (page size chosen at random) and compares them with what was appended.</summary>
    private async Task CheckAllSubjectsAsync(AuditWriter log, Random random)
    {
        foreach (var subject in _appended.Select(r => r.Subject).Append("L:never-checked").Distinct())
        {
            var expected = _appended.Select((record, i) => new AuditEntry(i + 1, record))
                .Where(e => e.Record.Subject == subject).Reverse().ToList();
            var pageSize = random.Next(1, 12);
            var actual = new List<AuditEntry>();
            long? before = null;
            while (true)
            {
                var page = await log.ListBySubjectAsync(subject, before, pageSize, Ct);
                actual.AddRange(page);
                if (page.Count < pageSize)
                {
                    break;
                }

                before = page[^1].Sequence;
            }

            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Deletes a closed log's files (with their -wal and -shm), as an operator would.</summary>
    private void DeleteFiles(string pattern)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_audit.Directory, pattern))
        {
            File.Delete(file);
        }
    }

    private SqliteConnection ConnectIndex()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = IndexPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private long IndexScalar(string sql)
    {
        using var connection = ConnectIndex();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private void IndexExecute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = ConnectIndex();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
