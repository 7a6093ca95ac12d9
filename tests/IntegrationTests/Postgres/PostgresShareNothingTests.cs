using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>Replicas on PostgreSQL share nothing but the database and Redis: no registry or audit file, keys in copies.</summary>
[Collection(PostgresEnvironmentCollection.Name)]
public sealed class PostgresShareNothingTests(PostgresEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertLicense_OnReplicaA_ReplicaBInItsOwnDirectoryReadsItFromPostgres()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);

        var read = await env.ServerB.Verification.GetLicenseAsync(
            new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);

        Assert.Equal(license.LicenseNumber, read.License.LicenseNumber);
        Assert.NotEqual(env.Replicas.DirectoryA, env.Replicas.DirectoryB);
        foreach (var directory in env.Replicas.Directories)
        {
            // Neither engine fell back to a file: a replica's directory holds only its copies of the keys.
            Assert.False(File.Exists(Path.Combine(directory, "registry.db")), $"{directory} holds a registry file");
            Assert.False(File.Exists(Path.Combine(directory, "audit.db")), $"{directory} holds an audit file");
            Assert.False(File.Exists(Path.Combine(directory, "audit.subjects.db")), $"{directory} holds a subject index file");
        }

        foreach (var key in PostgresReplicas.KeyFiles)
        {
            var original = Path.Combine(env.Replicas.DirectoryA, key);
            Assert.True(File.Exists(original), $"replica A wrote no {key}");
            Assert.Equal(await File.ReadAllBytesAsync(original, Ct), await File.ReadAllBytesAsync(Path.Combine(env.Replicas.DirectoryB, key), Ct));
        }
    }
}
