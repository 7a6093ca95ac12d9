using ELicense.Server.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Postgres;

/// <summary>Connection strings checked with the setting's name, described without secrets.</summary>
public sealed class PostgresTargetTests
{
    [Theory]
    [InlineData(null, "must be set")]
    [InlineData("  ", "must be set")]
    [InlineData("Database=elicense", "must name a Host")]
    [InlineData("Host=127.0.0.1;Bogus Keyword=1", "not a valid Npgsql connection string")]
    [InlineData("Host=127.0.0.1;Multiplexing=true", "must not turn on Multiplexing")]
    public void Problem_UnusableConnectionString_NamesTheSettingAndWhy(string? connectionString, string expected)
    {
        var problem = PostgresTarget.Problem("Registry:ConnectionString", connectionString);

        Assert.NotNull(problem);
        Assert.StartsWith("Registry:ConnectionString", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_UsableConnectionString_IsNull() =>
        Assert.Null(PostgresTarget.Problem("Audit:ConnectionString", "Host=127.0.0.1;Port=5432;Database=elicense;Username=app;Password=s3cret"));

    [Fact]
    public void Describe_WithPassword_NamesHostPortAndDatabaseOnly()
    {
        var described = PostgresTarget.Describe("Host=db.local;Port=6543;Database=elicense;Username=app;Password=s3cret");

        Assert.Equal("postgres://db.local:6543/elicense", described);
    }
}
