using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using ELicense.Server.Auditing.Postgres;
using ELicense.Server.Auditing.Sqlite;
using ELicense.Server.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>Audit:Provider chooses the engine of the server's sink and of <c>audit verify</c>'s trail; SQLite stays the default.</summary>
public sealed class PostgresAuditEngineTests
{
    [Theory]
    [InlineData(null, typeof(SqliteAuditSink))]
    [InlineData("Sqlite", typeof(SqliteAuditSink))]
    [InlineData("postgres", typeof(PostgresAuditSink))]
    public async Task AddAuditEngine_Provider_RegistersThatEnginesSink(string? provider, Type expected)
    {
        var configuration = Configuration(provider);
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName));
        services.AddAuditEngine(configuration);
        await using var provided = services.BuildServiceProvider();

        var sink = provided.GetRequiredService<IAuditSink>();

        Assert.IsType(expected, sink);
        if (sink is PostgresAuditSink)
        {
            Assert.Equal("postgres://127.0.0.1:5432/elicense", sink.Location); // never the password
            Assert.NotNull(provided.GetService<PostgresDataSources>());
        }
    }

    [Fact]
    public async Task OpenReadOnlyTrail_Postgres_TrailOnTheConnectionStringNamedWithoutThePassword()
    {
        var trail = AuditEngine.OpenReadOnlyTrail(Configuration("Postgres"), AuditOptions.DefaultPath);

        Assert.IsType<PostgresAuditTrail>(trail);
        Assert.Equal("postgres://127.0.0.1:5432/elicense", trail.Location);
        await ((IAsyncDisposable)trail).DisposeAsync();
    }

    private static IConfiguration Configuration(string? provider) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Audit:Provider"] = provider,
        ["Audit:ConnectionString"] = "Host=127.0.0.1;Port=5432;Database=elicense;Username=audit;Password=secret",
        ["Audit:Path"] = Path.Combine(Path.GetTempPath(), "elicense-engine-test-never-opened.db"),
    }).Build();
}
