
using ELicense.IntegrationTests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using AuditRecord = ELicense.Server.Auditing.AuditRecord;
using RefusalAggregator = ELicense.Server.Auditing.RefusalAggregator;

namespace ELicense.IntegrationTests.Refusals;

/// <summary>
/// A private server whose clock is a <see cref="FakeTimeProvider"/>: refusal records are aggregated per
/// second of that clock, so a test decides where a second ends (<see cref="FlushAsync"/>) instead of racing it.
/// The rate limiter keeps real time (System.Threading.RateLimiting has no clock to swap).
/// </summary>
public sealed class RefusalServer : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("elicense-refusals-it-").FullName;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ServerInstance Server { get; private set; } = null!;

    public string AuditPath => Path.Combine(Directory, "audit.db");

    public async ValueTask InitializeAsync() =>
        Server = await ServerInstance.StartAsync(Directory, redisConfiguration: "", overrides: services => services.AddSingleton<TimeProvider>(Time));

    /// <summary>Ends the current second of the server's clock and returns the refusal records that it committed.</summary>
    public async Task<IReadOnlyList<AuditRecord>> FlushAsync()
    {
        var aggregator = Server.GetService<RefusalAggregator>();
        var records = new List<AuditRecord>();
        void Collect(IReadOnlyList<AuditRecord> flushed)
        {
            lock (records)
            {
                records.AddRange(flushed);
            }
        }

        aggregator.Flushed += Collect;
        try
        {
            Time.Advance(TimeSpan.FromSeconds(1)); // runs the aggregator's timer: the second that ended is written
            await aggregator.LastFlush.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            aggregator.Flushed -= Collect;
        }

        return records;
    }

    /// <summary>The status a call ended with (OK when it did not throw).</summary>
    public static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
