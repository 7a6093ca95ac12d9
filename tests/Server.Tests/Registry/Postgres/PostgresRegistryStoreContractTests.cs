using ELicense.Server.Tests.Postgres;
using ELicense.Server.Tests.Registry.Contract;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The store contract run against the PostgreSQL engine (a throwaway cluster per class, a fresh database per test).</summary>
public sealed class PostgresRegistryStoreContractTests(PostgresFixture postgres) : RegistryStoreContract, IClassFixture<PostgresFixture>
{
    protected override IRegistryStoreEngine CreateEngine(FakeTimeProvider time) => new PostgresRegistryEngine(postgres.Cluster, time);
}
