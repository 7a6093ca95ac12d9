using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Sqlite;
using ELicense.Server.Tests.Auditing.Contract;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.Server.Tests.Auditing;

/// <summary>The audit sink contract on the SQLite engine: a file (and its subject index) in a temporary folder per test.</summary>
public sealed class SqliteAuditSinkContractTests : AuditSinkContract
{
    private readonly TempAudit _audit = new();

    protected override IAuditSink CreateSink() => new SqliteAuditSink(_audit.Options(), NullLogger.Instance);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _audit.DisposeAsync();
    }
}
