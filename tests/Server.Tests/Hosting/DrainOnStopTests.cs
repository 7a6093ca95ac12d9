using ELicense.Server.Hosting;
using Grpc.AspNetCore.HealthChecks;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.Server.Tests.Hosting;

/// <summary>The drain's first step and its health side, on a fake clock (the integration tests run it on a real server).</summary>
public sealed class DrainOnStopTests : IDisposable
{
    private static readonly string[] Names = ["", "registry", "elicense.v1.VerificationService"];

    private readonly FakeTimeProvider _time = new();
    private readonly HealthServiceImpl _health = new();
    private readonly DrainState _state = new();
    private readonly DrainingHealthPublisher _publisher;

    public DrainOnStopTests()
    {
        var options = new GrpcHealthChecksOptions();
        foreach (var name in Names)
        {
            options.Services.Map(name, _ => true);
            _health.SetStatus(name, ServingStatus.Serving);
        }

        _publisher = new DrainingHealthPublisher(_state, _health, Options.Create(options));
    }

    [Fact]
    public async Task StoppingAsync_Grace_NotServingAtOnceAndReturnsOnlyAfterTheGrace()
    {
        var drain = new DrainOnStop(_state, _publisher, Options.Create(new DrainOptions { Grace = TimeSpan.FromSeconds(3) }), _time,
            NullLogger<DrainOnStop>.Instance);

        var stopping = drain.StoppingAsync(TestContext.Current.CancellationToken);

        Assert.True(_state.IsDraining);
        Assert.Equal(Names.Select(_ => ServingStatus.NotServing), await StatusesAsync());
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(stopping.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StoppingAsync_ZeroGrace_ReturnsAtOnce()
    {
        var drain = new DrainOnStop(_state, _publisher, Options.Create(new DrainOptions { Grace = TimeSpan.Zero }), _time,
            NullLogger<DrainOnStop>.Instance);

        await drain.StoppingAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(Names.Select(_ => ServingStatus.NotServing), await StatusesAsync());
    }

    [Fact]
    public async Task PublishAsync_StaleServingReportAfterDrainBegan_PutsNotServingBack()
    {
        _state.Begin();
        _health.SetStatus("", ServingStatus.Serving); // what the gRPC publisher writes from checks that began before the drain

        await _publisher.PublishAsync(new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.Equal(Names.Select(_ => ServingStatus.NotServing), await StatusesAsync());
    }

    [Fact]
    public async Task PublishAsync_NotDraining_LeavesStatusesAlone()
    {
        await _publisher.PublishAsync(new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero), TestContext.Current.CancellationToken);

        Assert.Equal(Names.Select(_ => ServingStatus.Serving), await StatusesAsync());
    }

    [Fact]
    public async Task DrainingHealthCheck_BeforeAndAfterBegin_HealthyThenUnhealthy()
    {
        var check = new DrainingHealthCheck(_state);
        var context = new HealthCheckContext();

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
        Assert.True(_state.Begin());
        Assert.False(_state.Begin());
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
    }

    [Theory]
    [InlineData("00:00:00", "00:00:10", true)]
    [InlineData("00:00:03", "00:00:10", true)]
    [InlineData("-00:00:01", "00:00:10", false)]
    [InlineData("00:01:01", "00:00:10", false)]
    [InlineData("00:00:03", "00:00:00", false)]
    [InlineData("00:00:03", "00:10:01", false)]
    public void Validate_GraceAndMaxCallDuration_AcceptsOnlySensibleValues(string grace, string maxCall, bool valid)
    {
        var options = new DrainOptions { Grace = TimeSpan.Parse(grace, System.Globalization.CultureInfo.InvariantCulture),
            MaxCallDuration = TimeSpan.Parse(maxCall, System.Globalization.CultureInfo.InvariantCulture) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void ShutdownTimeout_Defaults_ExceedsGracePlusMaxCallDuration()
    {
        var options = new DrainOptions();

        Assert.Equal(TimeSpan.FromSeconds(3), options.Grace);
        Assert.True(options.ShutdownTimeout > options.Grace + options.MaxCallDuration);
    }

    public void Dispose() => _state.Dispose();

    private async Task<ServingStatus[]> StatusesAsync()
    {
        var statuses = new ServingStatus[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            // HealthServiceImpl.Check reads its table and never touches the call context.
            statuses[i] = (await _health.Check(new HealthCheckRequest { Service = Names[i] }, null!)).Status;
        }

        return statuses;
    }
}
