using ELicense.Server.Internal;
using ELicense.Server.Postgres;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>
/// Where the audit trail lives, the key that hides its subjects, and how appends are group-committed.
/// Auditing is mandatory: there is no switch to turn it off.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section ("Audit:Path", "Audit:SubjectKey", ...).</summary>
    public const string SectionName = "Audit";

    /// <summary>The default audit database file, relative to the working directory.</summary>
    public const string DefaultPath = "data/audit.db";

    /// <summary>The default file of the generated subject key (32 raw bytes, mode 0600).</summary>
    public const string DefaultSubjectKeyPath = "data/audit-subject-key.bin";

    /// <summary>Length of the subject key, in bytes.</summary>
    public const int SubjectKeyBytes = 32;

    /// <summary>The engine: <c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The Npgsql connection string of the PostgreSQL database (<see cref="Provider"/> = <c>Postgres</c>);
    /// ignored by SQLite. It may be the registry's database: the trail lives in its own <c>audit</c> schema.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The audit SQLite file (<see cref="Provider"/> = <c>Sqlite</c>), separate from the registry. Its directory is created when missing.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// The HMAC key of <see cref="AuditSubjects"/>, base64 (32 bytes). When set it wins over
    /// <see cref="SubjectKeyPath"/>. Every replica writing to one trail must use the same key, or the
    /// same subject gets different hashes.
    /// </summary>
    public string? SubjectKey { get; set; }

    /// <summary>
    /// Where the subject key is read from, or generated (once, mode 0600) when the file does not exist and
    /// <see cref="SubjectKey"/> is not set. Losing it makes earlier records unfindable by subject (the
    /// chain still verifies).
    /// </summary>
    public string SubjectKeyPath { get; set; } = DefaultSubjectKeyPath;

    /// <summary>
    /// The subject index (SQLite: <c>SqliteSubjectIndex</c>), derived from the trail and rebuilt from it when
    /// missing. Default: beside <see cref="Path"/>, its name with <c>.subjects</c> before the extension
    /// (<c>data/audit.subjects.db</c>).
    /// </summary>
    public string? SubjectIndexPath { get; set; }

    /// <summary>
    /// How often the subject index takes in the records committed since its last pass. A lookup scans the
    /// records not indexed yet, so this bounds its cost (about this long's worth of audited calls); each
    /// pass writes one sorted run, so shorter intervals mean more, smaller runs to merge.
    /// </summary>
    public TimeSpan SubjectIndexInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The subject index file: <see cref="SubjectIndexPath"/>, else derived from <see cref="Path"/>.</summary>
    public string ResolveSubjectIndexPath() =>
        !string.IsNullOrWhiteSpace(SubjectIndexPath) ? SubjectIndexPath
        : System.IO.Path.ChangeExtension(Path, ".subjects" + (System.IO.Path.GetExtension(Path) is { Length: > 0 } extension ? extension : ".db"));

    /// <summary>Most records written in one transaction.</summary>
    public int MaxBatch { get; set; } = 4096;

    /// <summary>
    /// Under load — records already waiting when a commit ends — how long the writer waits before taking
    /// the next batch, so that more records share each commit's fixed cost (the transaction, the fsync, the
    /// wake-ups). Idle, a lone record is still committed at once. Default zero: commit whatever is queued.
    /// Measured (bench/audit-cost.sh, 2026-11-26, 1 ms against zero, one run of 3 rounds): cache-hot
    /// lookups 221 instead of 1,061 commits/s and 28.6 instead of 30.7 µs of server CPU per call, but 3 %
    /// less throughput at a fixed concurrency (each answer waits up to the delay longer); verification
    /// 152 instead of 161 µs per call. Worth it where CPU is short and a millisecond of latency is not.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Records that may wait for the writer; further appends wait for room (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>How long the writer waits for another connection's lock on the file before failing the batch.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>The problems with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            errors.Add($"{SectionName}:{nameof(Provider)} must be {nameof(StorageProvider.Sqlite)} or {nameof(StorageProvider.Postgres)}.");
        }
        else if (Provider == StorageProvider.Postgres
            && PostgresTarget.Problem($"{SectionName}:{nameof(ConnectionString)}", ConnectionString) is { } problem)
        {
            errors.Add(problem);
        }

        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"{SectionName}:{nameof(Path)} must not be empty.");
        }

        if (!string.IsNullOrEmpty(SubjectKey))
        {
            if (!TryDecodeSubjectKey(SubjectKey, out _))
            {
                // Never echo the configured value: it is a secret.
                errors.Add($"{SectionName}:{nameof(SubjectKey)} must be {SubjectKeyBytes} bytes in base64.");
            }
        }
        else if (string.IsNullOrWhiteSpace(SubjectKeyPath))
        {
            errors.Add($"{SectionName}:{nameof(SubjectKeyPath)} must not be empty when {SectionName}:{nameof(SubjectKey)} is not set.");
        }

        if (MaxBatch is < 1 or > 100_000)
        {
            errors.Add($"{SectionName}:{nameof(MaxBatch)} must be between 1 and 100000.");
        }

        if (MaxBatchDelay < TimeSpan.Zero || MaxBatchDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SectionName}:{nameof(MaxBatchDelay)} must be between 0 and 1 second.");
        }

        if (QueueCapacity is < 1 or > 10_000_000)
        {
            errors.Add($"{SectionName}:{nameof(QueueCapacity)} must be between 1 and 10000000.");
        }

        if (SubjectIndexInterval < TimeSpan.FromMilliseconds(10) || SubjectIndexInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{SectionName}:{nameof(SubjectIndexInterval)} must be between 10 ms and 10 minutes.");
        }

        if (!string.IsNullOrWhiteSpace(Path) && string.Equals(System.IO.Path.GetFullPath(ResolveSubjectIndexPath()), System.IO.Path.GetFullPath(Path), StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:{nameof(SubjectIndexPath)} must not be the audit file itself.");
        }

        if (BusyTimeoutMs is < 0 or > 600_000)
        {
            errors.Add($"{SectionName}:{nameof(BusyTimeoutMs)} must be between 0 and 600000.");
        }

        return errors;
    }

    internal static bool TryDecodeSubjectKey(string base64, out byte[] key) => KeyFile.TryDecodeBase64(base64, SubjectKeyBytes, out key);
}

/// <summary>Checks <see cref="AuditOptions"/> at startup (registered with <c>ValidateOnStart</c>).</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
