using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Sqlite;
using ELicense.Server.Tests.Auditing.Contract;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.Server.Tests.Auditing;

/// <summary>The writer's contract over the SQLite sink: a file in a temporary folder per test.</summary>
public sealed class SqliteAuditWriterTests : AuditWriterContract
{
    private readonly TempAudit _audit = new();

    protected override AuditOptions Options(int maxBatch = 512) => _audit.Options(maxBatch: maxBatch);

    protected override IAuditSink CreateSink(AuditOptions options) => new SqliteAuditSink(options, NullLogger.Instance);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _audit.DisposeAsync();
    }
}
