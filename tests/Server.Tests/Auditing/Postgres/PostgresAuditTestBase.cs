using ELicense.Server.Tests.Auditing.Contract;
using ELicense.Server.Tests.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>
/// A PostgreSQL audit test class: the class's throwaway cluster (<see cref="Postgres"/>, one per class)
/// and a fresh database for each test (<see cref="Audit"/>), dropped with it.
/// </summary>
public abstract class PostgresAuditTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    private PostgresAudit? _audit;

    protected PostgresFixture Postgres => postgres;

    protected AuditContractRecords Records { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected PostgresAudit Audit => _audit!;

    public virtual async ValueTask InitializeAsync() => _audit = await PostgresAudit.CreateAsync(postgres);

    public virtual async ValueTask DisposeAsync()
    {
        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
