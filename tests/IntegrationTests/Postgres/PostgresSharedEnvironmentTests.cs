using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>The verify path's integration cases on PostgreSQL: two replicas in separate directories, one database, one Redis.</summary>
[Collection(PostgresEnvironmentCollection.Name)]
public sealed class PostgresVerifyCredentialTests(PostgresEnvironment env) : VerifyCredentialCases(env);

/// <summary>Cross-replica revocation and invalidation on PostgreSQL: what one replica writes, the other (and a third without Redis) stops serving.</summary>
[Collection(PostgresEnvironmentCollection.Name)]
public sealed class PostgresReplicaInvalidationTests(PostgresEnvironment env) : ReplicaInvalidationCases(env);
