using ELicense.Server.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Postgres;

/// <summary>The defaults every data source gets, and what a connection string that sets them keeps.</summary>
public sealed class PostgresDataSourcesTests
{
    [Fact]
    public void Defaults_NothingSet_ShortPoolWaitAutoPrepareAndAName()
    {
        var builder = PostgresDataSources.Defaults("Host=127.0.0.1;Database=elicense");

        Assert.Equal(5, builder.Timeout);
        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.Equal(PostgresDataSources.DefaultApplicationName, builder.ApplicationName);
        Assert.Equal($"-c idle_in_transaction_session_timeout={PostgresDataSources.IdleInTransactionTimeoutMs}", builder.Options);
    }

    [Fact]
    public void Defaults_OnlyOtherTimeoutsSet_StillShortPoolWait()
    {
        // "Command Timeout" and "Cancellation Timeout" are other settings: the pool wait default still applies.
        var builder = PostgresDataSources.Defaults("Host=127.0.0.1;Command Timeout=7;Cancellation Timeout=3000");

        Assert.Equal(5, builder.Timeout);
        Assert.Equal(7, builder.CommandTimeout);
    }

    [Fact]
    public void Defaults_ValuesSet_KeptAsGiven()
    {
        var builder = PostgresDataSources.Defaults("Host=127.0.0.1;Timeout=12;Max Auto Prepare=0;Application Name=ops;Options=-c work_mem=8MB");

        Assert.Equal("-c work_mem=8MB", builder.Options);
        Assert.Equal(12, builder.Timeout);
        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.Equal("ops", builder.ApplicationName);
    }
}
