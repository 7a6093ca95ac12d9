using ELicense.Server.Auditing;
using ELicense.Server.Tests.Auditing.Contract;
using ELicense.Server.Tests.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>The writer's contract over the PostgreSQL sink: a database of its own per test on a throwaway cluster.</summary>
public sealed class PostgresAuditWriterContractTests(PostgresFixture postgres) : AuditWriterContract, IClassFixture<PostgresFixture>
{
    private PostgresAudit? _audit;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _audit = await PostgresAudit.CreateAsync(postgres);
    }

    protected override AuditOptions Options(int maxBatch = 512) => _audit!.Options(maxBatch);

    protected override IAuditSink CreateSink(AuditOptions options) => _audit!.Sink();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }
    }
}
