using ELicense.Server.Postgres;
using ELicense.Server.Registry.Engines;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using static ELicense.Server.Tests.Registry.Postgres.PostgresBulkLoaderTests;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary><c>seed</c> with <c>Registry:Provider=Postgres</c>: the server's settings, clear errors, no secret in the output.</summary>
public sealed class PostgresBulkLoaderCommandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Password = "s3cret-not-shown";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FakeTimeProvider Time => new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create<string, string?>(s.Key, s.Value)))
        .Build();

    [Fact]
    public async Task RunAsync_ProviderFromConfiguration_SeedsPostgresAndNamesItWithoutThePassword()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct))
        {
            Password = Password, // trust authentication ignores it; it must not be printed
        }.ConnectionString;
        var configuration = Configuration(("Registry:Provider", "Postgres"), ("Registry:ConnectionString", connectionString));
        var output = new StringWriter();

        var code = await SeedCommand.RunAsync(["--licenses", "100", "--seed", "3"], configuration, RegistryEngine.OpenBulkLoader, output, Time,
            interactive: false, Ct);

        var text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains($"into {PostgresTarget.Describe(connectionString)}", text, StringComparison.Ordinal);
        Assert.Contains("Seeded 100 licences, 80 vehicles", text, StringComparison.Ordinal);
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.Contains("Building indexes", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.Equal(100, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
    }

    [Fact]
    public async Task RunAsync_RegistrySwitchesAfterForce_StillTakeEffect()
    {
        // "--force" first: the host's command-line configuration would take the next switch as its value.
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        var output = new StringWriter();

        var code = await SeedCommand.RunAsync(
            ["--force", "--Registry:Provider=Postgres", "--Registry:ConnectionString", connectionString, "--licenses", "20"],
            Configuration(), RegistryEngine.OpenBulkLoader, output, Time, interactive: false, Ct);

        Assert.True(code == 0, output.ToString());
        Assert.Equal(20, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
    }

    [Theory]
    [InlineData("Postgres", null, "Registry:ConnectionString must be set")]
    [InlineData("Postgres", "Port=5432;Password=" + Password, "Registry:ConnectionString must name a Host")]
    [InlineData("Postgres", "Host=127.0.0.1;Nonsense=" + Password, "Registry:ConnectionString is not a valid Npgsql connection string")]
    [InlineData(Password, null, "Registry:Provider must be Sqlite or Postgres")]
    public async Task RunAsync_BadRegistrySettings_ReturnsTwoNamingTheSettingNotItsValue(string provider, string? connectionString, string expected)
    {
        var settings = new List<(string, string)> { ("Registry:Provider", provider) };
        if (connectionString is not null)
        {
            settings.Add(("Registry:ConnectionString", connectionString));
        }

        var output = new StringWriter();
        var opened = false;

        var code = await SeedCommand.RunAsync(["--licenses", "10"], Configuration([.. settings]), (c, p) =>
        {
            opened = true;
            return RegistryEngine.OpenBulkLoader(c, p);
        }, output, Time, interactive: false, Ct);

        Assert.Equal(2, code);
        Assert.False(opened);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenBulkLoader_ProviderPostgres_IsThePostgresLoaderOnTheDescribedTarget()
    {
        const string connectionString = "Host=127.0.0.1;Port=5999;Database=elicense;Username=u;Password=" + Password;

        await using var loader = RegistryEngine.OpenBulkLoader(
            Configuration(("Registry:Provider", "postgres"), ("Registry:ConnectionString", connectionString)), "ignored.db");

        Assert.IsType<PostgresBulkLoader>(loader);
        Assert.Equal("postgres://127.0.0.1:5999/elicense", loader.Target);
    }
}
