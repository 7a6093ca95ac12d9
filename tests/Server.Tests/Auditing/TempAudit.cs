using ELicense.Server.Auditing;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>An audit file in its own temporary folder, deleted (with its WAL files) on dispose.</summary>
internal sealed class TempAudit : IAsyncDisposable
{
    private readonly List<SqliteAuditLog> _logs = [];

    public TempAudit()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("elicense-audit-").FullName;
        Path = System.IO.Path.Combine(Directory, "audit.db");
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    public string Directory { get; }

    public string Path { get; }

    /// <summary>The domain clock of the records' times (the log itself does not read it).</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    public AuditOptions Options(int busyTimeoutMs = 5000, int maxBatch = 512) => new()
    {
        Path = Path,
        SubjectKeyPath = System.IO.Path.Combine(Directory, "subject-key.bin"),
        BusyTimeoutMs = busyTimeoutMs,
        MaxBatch = maxBatch,
    };

    public async Task<SqliteAuditLog> OpenAsync(AuditOptions? options = null)
    {
        var log = await SqliteAuditLog.OpenAsync(options ?? Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        _logs.Add(log);
        return log;
    }

    /// <summary>A record with the current fake time; <paramref name="caller"/> makes it recognisable.</summary>
    public AuditRecord Record(string caller, string subject = "L:00112233445566778899aabbccddeeff", string result = "VALID")
    {
        Time.Advance(TimeSpan.FromMilliseconds(7));
        return new AuditRecord(Time.GetUtcNow(), caller, "device-1", "/elicense.v1.VerifierService/Verify", subject,
            LookupPurpose.RoadsideCheck, result, DataSource.Memory);
    }

    /// <summary>A file holding <paramref name="count"/> records (callers "c1".."cN"), the log closed again.</summary>
    public async Task WriteRecordsAsync(int count)
    {
        await using var log = await SqliteAuditLog.OpenAsync(Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Record($"c{i}"), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Appends <paramref name="count"/> more records (callers "m1".."mN") to the file, the log closed again.</summary>
    public async Task AppendMoreAsync(int count)
    {
        await using var log = await SqliteAuditLog.OpenAsync(Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Record($"m{i}"), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A raw connection to the file, as an attacker or another process would have.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
