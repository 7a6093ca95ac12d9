using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class BenchPlanTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static BenchPlan Valid(BenchSettings settings, Func<string, string?>? environment = null)
    {
        Assert.True(BenchPlan.TryCreate(settings, environment ?? NoEnvironment, out var plan, out var error), error);
        return plan;
    }

    private static string Invalid(BenchSettings settings)
    {
        Assert.False(BenchPlan.TryCreate(settings, NoEnvironment, out _, out var error));
        return error;
    }

    [Fact]
    public void TryCreate_Defaults_OpenLoopAt100PerSecondFor10SecondsAfterASecondOfWarmup()
    {
        var plan = Valid(new BenchSettings { Workload = "license", Keys = "keys.txt" });

        var open = Assert.IsType<OpenLoopPlan>(plan.OpenLoop);
        Assert.Null(plan.ClosedLoop);
        Assert.Equal("constant 100/s", open.Schedule.Description);
        Assert.Equal(TimeSpan.FromSeconds(10), open.Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), open.Warmup);
        Assert.Equal(1100, open.EndIndex);
        Assert.Equal(4, plan.Connections);
        Assert.Equal(4096, open.MaxInFlight);
        Assert.True(plan.Skew.IsUniform);
        Assert.Equal(SloGates.None, plan.Gates);
    }

    [Fact]
    public void TryCreate_RampWithoutDuration_MeasuresTheRamp()
    {
        var plan = Valid(new BenchSettings { Workload = "license", Keys = "k", Ramp = "1000:5000:30s", Warmup = "0" });

        Assert.Equal(TimeSpan.FromSeconds(30), plan.OpenLoop!.Duration);
        Assert.Equal(90_000, plan.OpenLoop.EndIndex);
    }

    [Fact]
    public void TryCreate_StepsWithoutDuration_MeasuresEveryStep()
    {
        var plan = Valid(new BenchSettings { Workload = "license", Keys = "k", Steps = "1000,2000,4000", StepDuration = "5s" });

        Assert.Equal(TimeSpan.FromSeconds(15), plan.OpenLoop!.Duration);
    }

    [Fact]
    public void TryCreate_CountOnly_HasNoDurationLimit()
    {
        var plan = Valid(new BenchSettings { Workload = "license", Keys = "k", Rate = "500", Count = "200", Warmup = "0" });

        Assert.Null(plan.OpenLoop!.Duration);
        Assert.Equal(200, plan.OpenLoop.EndIndex);
    }

    [Fact]
    public void TryCreate_Concurrency_ClosedLoop()
    {
        var plan = Valid(new BenchSettings { Mix = "license=9,vehicle=1", Keys = "k", Concurrency = "64", Duration = "5s" });

        Assert.Null(plan.OpenLoop);
        Assert.Equal(new ClosedLoopPlan(64, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), null), plan.ClosedLoop);
        Assert.Contains("closed loop, 64 workers", plan.ModeDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_GatesAndFiles_AreRead()
    {
        var plan = Valid(new BenchSettings
        {
            Workload = "license", Keys = "k", MaxP99 = "5ms", MaxErrorRate = "0.1%", JsonFile = "r.json", CsvFile = "r.csv", HdrLogFile = "r.hlog",
        });

        Assert.Equal(new SloGates(TimeSpan.FromMilliseconds(5), 0.001), plan.Gates);
        Assert.Equal(("r.json", "r.csv", "r.hlog"), (plan.JsonFile, plan.CsvFile, plan.HdrLogFile));
    }

    [Fact]
    public void TryCreate_VerifyWithKeyFromEnvironment_KeepsItSecret()
    {
        var plan = Valid(new BenchSettings { Workload = "verify", Keys = "k" },
            name => name == BenchPlan.RegistryApiKeyVariable ? "registry-key-1" : null);

        Assert.Equal("registry-key-1", plan.RegistryApiKey!.Reveal());
        Assert.DoesNotContain("registry-key-1", plan.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "give a workload (license, verify, violations, vehicle, transfer, roadside) or --mix")]
    [InlineData("license", "license=1", "give a workload or --mix, not both")]
    [InlineData("licence", null, "unknown workload \"licence\"; use license, verify, violations, vehicle, transfer, roadside, or --mix")]
    public void TryCreate_WhatToSend_MustBeGivenOnce(string? workload, string? mix, string message)
    {
        Assert.StartsWith(message, Invalid(new BenchSettings { Workload = workload, Mix = mix, Keys = "k" }), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_NoKeys_SaysHowToGetThem() =>
        Assert.StartsWith("give --keys FILE", Invalid(new BenchSettings { Workload = "license" }), StringComparison.Ordinal);

    [Fact]
    public void TryCreate_VerifyWithoutRegistryKey_SaysWhyItIsNeeded() =>
        Assert.Equal(
            "verify sends fresh credentials, minted with RegistryService.IssueCredential: give --registry-api-key (a registry-role caller) or set ELICENSE_REGISTRY_API_KEY",
            Invalid(new BenchSettings { Mix = "license=1,verify=1", Keys = "k" }));

    [Theory]
    [InlineData("0", null, null, null, "--rate must be a rate in requests per second above 0")]
    [InlineData("100", "1:2:3s", null, null, "--rate and --ramp each set the rate: give one")]
    [InlineData(null, "1000-5000", null, null, "--ramp must be FROM:TO:OVER, e.g. 1000:5000:30s (got \"1000-5000\")")]
    [InlineData(null, "0:0:10s", null, null, "--ramp needs a length above 0 and a rate above 0 at one end at least")]
    [InlineData(null, null, "1000,x", null, "--steps must be a rate in requests per second above 0")]
    [InlineData("100", null, null, "8", "--concurrency runs a closed loop (as fast as the server answers), which has no rate: drop --rate")]
    public void TryCreate_RateOptions_OneAtATimeAndWellFormed(string? rate, string? ramp, string? steps, string? concurrency, string message)
    {
        var error = Invalid(new BenchSettings { Workload = "license", Keys = "k", Rate = rate, Ramp = ramp, Steps = steps, Concurrency = concurrency });

        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--duration", "0", "--duration must be above 0, e.g. 10s")]
    [InlineData("--duration", "soon", "--duration must be a duration such as 10s, 500ms or 2m (got \"soon\")")]
    [InlineData("--count", "0", "--count must be a whole number from 1")]
    [InlineData("--connections", "1000", "--connections must be a whole number from 1 to 256")]
    [InlineData("--max-p99", "5", "--max-p99 needs a unit, e.g. 5ms or 250us (got \"5\")")]
    [InlineData("--max-error-rate", "150%", "--max-error-rate must be a percentage such as 0.1% or a fraction such as 0.001")]
    [InlineData("--skew", "zipf", "--skew must be uniform, or hotspot:R/K")]
    [InlineData("--seed", "-1", "--seed must be a whole number")]
    [InlineData("--purpose", "curiosity", "unknown --purpose")]
    [InlineData("--violations-by", "vin", "--violations-by must be license or plate")]
    [InlineData("--step-duration", "5s", "--step-duration goes with --steps")]
    public void TryCreate_BadValue_NamesTheOptionAndWhatItTakes(string option, string value, string message)
    {
        var settings = option switch
        {
            "--duration" => new BenchSettings { Duration = value },
            "--count" => new BenchSettings { Count = value },
            "--connections" => new BenchSettings { Connections = value },
            "--max-p99" => new BenchSettings { MaxP99 = value },
            "--max-error-rate" => new BenchSettings { MaxErrorRate = value },
            "--skew" => new BenchSettings { Skew = value },
            "--seed" => new BenchSettings { Seed = value },
            "--purpose" => new BenchSettings { Purpose = value },
            "--violations-by" => new BenchSettings { ViolationsBy = value },
            _ => new BenchSettings { StepDuration = value },
        };

        var error = Invalid(Complete(settings));

        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_MaxInFlightInClosedLoop_PointsToConcurrency() =>
        Assert.StartsWith("--max-in-flight is for the open loop",
            Invalid(new BenchSettings { Workload = "license", Keys = "k", Concurrency = "8", MaxInFlight = "10" }), StringComparison.Ordinal);

    [Fact]
    public void CredentialsNeeded_OpenLoop_WhatTheRunSendsWithinTheLifetime()
    {
        var plan = Valid(new BenchSettings { Mix = "license=1,verify=1", Keys = "k", Rate = "1000", Duration = "10s", Warmup = "0", RegistryApiKey = "r" });

        // 10,000 requests, half verify (+2 % and 64 for the draw's variance).
        Assert.Equal(5_164, BenchCommand.CredentialsNeeded(plan, TimeSpan.FromMinutes(3)));
        // A minute of lifetime covers (60 − 15 − 15) s at 500 verifies/s.
        Assert.Equal(15_064, BenchCommand.CredentialsNeeded(plan with { OpenLoop = plan.OpenLoop! with { Duration = TimeSpan.FromMinutes(5) } }, TimeSpan.FromMinutes(1)));
    }

    private static BenchSettings Complete(BenchSettings s) => new()
    {
        Workload = "license",
        Keys = "k",
        Duration = s.Duration,
        Count = s.Count,
        Connections = s.Connections,
        MaxP99 = s.MaxP99,
        MaxErrorRate = s.MaxErrorRate,
        Skew = s.Skew,
        Seed = s.Seed,
        Purpose = s.Purpose,
        ViolationsBy = s.ViolationsBy,
        StepDuration = s.StepDuration,
    };
}
