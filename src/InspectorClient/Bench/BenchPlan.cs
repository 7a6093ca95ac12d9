using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ELicense.Inspector.Commands;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Connection;
using ELicense.V1;

namespace ELicense.Inspector.Bench;

/// <summary>
/// A validated `bench` run: what to send, how fast (open loop) or how many at once (closed loop), for how
/// long, where the reports go and which gates apply. <see cref="TryCreate"/> turns the options into one,
/// or into a message that says what is wrong.
/// </summary>
public sealed record BenchPlan
{
    /// <summary>Environment variable holding the registry caller's key (verify).</summary>
    public const string RegistryApiKeyVariable = "ELICENSE_REGISTRY_API_KEY";

    /// <summary>The rate when none is given: low, so that a bare `inspector bench` cannot flood a server.</summary>
    public const double DefaultRate = 100;

    /// <summary>The measured duration when neither a duration nor a count is given.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);

    /// <summary>The warm-up when none is given.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(1);

    /// <summary>Most requests in flight in the open loop, when not given.</summary>
    public const int DefaultMaxInFlight = 4096;

    /// <summary>Connections when not given.</summary>
    public const int DefaultConnections = 4;

    /// <summary>The most credentials minted before a run when not given.</summary>
    public const long DefaultCredentialCap = 100_000;

    /// <summary>The workloads and their weights.</summary>
    public required WorkloadMix Mix { get; init; }

    /// <summary>The keys file.</summary>
    public required string KeysFile { get; init; }

    /// <summary>The open-loop plan, or null for a closed loop.</summary>
    public OpenLoopPlan? OpenLoop { get; init; }

    /// <summary>The closed-loop plan, or null for an open loop.</summary>
    public ClosedLoopPlan? ClosedLoop { get; init; }

    /// <summary>The warm-up.</summary>
    public required TimeSpan Warmup { get; init; }

    /// <summary>The measured duration, or null when only the count bounds the run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The measured requests, or null when only the duration bounds the run.</summary>
    public long? Count { get; init; }

    /// <summary>HTTP/2 connections.</summary>
    public required int Connections { get; init; }

    /// <summary>How keys are drawn.</summary>
    public required KeySkew Skew { get; init; }

    /// <summary>Seed of the request sequence.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The purpose of license and violations lookups.</summary>
    public required LookupPurpose Purpose { get; init; }

    /// <summary>True: violations by plate; false: by licence number.</summary>
    public required bool ViolationsByPlate { get; init; }

    /// <summary>The registry caller's key for minting credentials (verify), or null.</summary>
    public Secret? RegistryApiKey { get; init; }

    /// <summary>Most credentials minted before the run.</summary>
    public required long CredentialCap { get; init; }

    /// <summary>Credential lifetime to ask for, or null for the server's default.</summary>
    public TimeSpan? CredentialLifetime { get; init; }

    /// <summary>Report files, or null.</summary>
    public string? JsonFile { get; init; }

    /// <summary>CSV file, or null.</summary>
    public string? CsvFile { get; init; }

    /// <summary>HdrHistogram log file, or null.</summary>
    public string? HdrLogFile { get; init; }

    /// <summary>The gates.</summary>
    public required SloGates Gates { get; init; }

    /// <summary>No progress line.</summary>
    public required bool Quiet { get; init; }

    /// <summary>"open loop, constant 1,000/s" or "closed loop, 64 workers".</summary>
    public string ModeDescription => OpenLoop is { } open
        ? "open loop, " + open.Schedule.Description
        : string.Create(CultureInfo.InvariantCulture, $"closed loop, {ClosedLoop!.Concurrency} workers as fast as the server answers (max throughput)");

    /// <summary>Validates the options; <paramref name="getVariable"/> reads the environment (the registry key).</summary>
    public static bool TryCreate(BenchSettings settings, Func<string, string?> getVariable, [NotNullWhen(true)] out BenchPlan? plan, [NotNullWhen(false)] out string? error)
    {
        plan = null;
        error = Validate(settings, getVariable, out plan);
        return error is null;
    }

    private static string? Validate(BenchSettings s, Func<string, string?> getVariable, out BenchPlan? plan)
    {
        plan = null;
        string message;

        // What to send.
        WorkloadMix mix;
        if (!string.IsNullOrWhiteSpace(s.Workload) && !string.IsNullOrWhiteSpace(s.Mix))
        {
            return "give a workload or --mix, not both";
        }

        if (!string.IsNullOrWhiteSpace(s.Mix))
        {
            if (!WorkloadMix.TryParse(s.Mix, out mix, out message))
            {
                return message;
            }
        }
        else if (string.IsNullOrWhiteSpace(s.Workload))
        {
            return $"give a workload ({Workloads.Accepted}) or --mix, e.g. `inspector bench license --keys keys.txt --rate 1000`";
        }
        else if (Workloads.TryParse(s.Workload, out var workload))
        {
            mix = WorkloadMix.Only(workload);
        }
        else
        {
            return $"unknown workload \"{s.Workload}\"; use {Workloads.Accepted}, or --mix";
        }

        if (string.IsNullOrWhiteSpace(s.Keys))
        {
            return "give --keys FILE: licence numbers, VINs and plates (\"京A12345 02\"), one a line (README, Load testing, shows how to list a registry's)";
        }

        // How long.
        var warmup = DefaultWarmup;
        if (s.Warmup is not null && !BenchText.TryParseDuration("--warmup", s.Warmup, unitRequired: false, out warmup, out message))
        {
            return message;
        }

        TimeSpan? duration = null;
        if (s.Duration is not null)
        {
            if (!BenchText.TryParseDuration("--duration", s.Duration, unitRequired: false, out var d, out message))
            {
                return message;
            }

            if (d <= TimeSpan.Zero)
            {
                return "--duration must be above 0, e.g. 10s";
            }

            duration = d;
        }

        long? count = null;
        if (s.Count is not null)
        {
            if (!BenchText.TryParseCount("--count", s.Count, 1_000_000_000_000, out var c, out message))
            {
                return message;
            }

            count = c;
        }

        // How fast, or how many at once.
        var rateOptions = new[] { ("--rate", s.Rate), ("--ramp", s.Ramp), ("--steps", s.Steps) }.Where(o => o.Item2 is not null).Select(o => o.Item1).ToList();
        if (rateOptions.Count > 1)
        {
            return $"{string.Join(" and ", rateOptions)} each set the rate: give one";
        }

        if (s.StepDuration is not null && s.Steps is null)
        {
            return "--step-duration goes with --steps";
        }

        OpenLoopPlan? openLoop = null;
        ClosedLoopPlan? closedLoop = null;
        if (s.Concurrency is not null)
        {
            if (rateOptions.Count > 0)
            {
                return $"--concurrency runs a closed loop (as fast as the server answers), which has no rate: drop {rateOptions[0]}, or drop --concurrency for an open loop";
            }

            if (s.MaxInFlight is not null)
            {
                return "--max-in-flight is for the open loop; in the closed loop --concurrency is the number in flight";
            }

            if (!BenchText.TryParseCount("--concurrency", s.Concurrency, 100_000, out var workers, out message))
            {
                return message;
            }

            duration ??= count is null ? DefaultDuration : null;
            closedLoop = new ClosedLoopPlan((int)workers, warmup, duration, count);
        }
        else
        {
            if (!TryParseSchedule(s, out var schedule, out message))
            {
                return message;
            }

            var maxInFlight = (long)DefaultMaxInFlight;
            if (s.MaxInFlight is not null && !BenchText.TryParseCount("--max-in-flight", s.MaxInFlight, 1_000_000, out maxInFlight, out message))
            {
                return message;
            }

            if (duration is null && count is null)
            {
                duration = schedule.ShapedLength > TimeSpan.Zero ? schedule.ShapedLength : DefaultDuration;
            }

            openLoop = new OpenLoopPlan(schedule, warmup, duration, count, (int)maxInFlight);
        }

        // Where and how.
        var connections = (long)DefaultConnections;
        if (s.Connections is not null && !BenchText.TryParseCount("--connections", s.Connections, 256, out connections, out message))
        {
            return message;
        }

        if (!KeySkew.TryParse(s.Skew, out var skew, out message))
        {
            return message;
        }

        ulong seed = 1;
        if (s.Seed is not null && !ulong.TryParse(s.Seed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            return $"--seed must be a whole number from 0 to {ulong.MaxValue} (got \"{s.Seed}\")";
        }

        var purpose = LookupPurpose.RoadsideCheck;
        if (s.Purpose is not null)
        {
            if (!Purposes.TryParse(s.Purpose, out var parsed))
            {
                return $"unknown --purpose; use one of {Purposes.Accepted}";
            }

            purpose = parsed.Value;
        }

        var byPlate = (s.ViolationsBy ?? "license").Trim().ToLowerInvariant() switch
        {
            "license" or "licence" => (bool?)false,
            "plate" => true,
            _ => null,
        };
        if (byPlate is null)
        {
            return $"--violations-by must be license or plate (got \"{s.ViolationsBy}\")";
        }

        // verify: minting.
        var registryKey = FirstNonEmpty(s.RegistryApiKey, getVariable(RegistryApiKeyVariable));
        if (registryKey is not null && !ConnectionOptions.IsValidApiKey(registryKey))
        {
            return $"the registry API key (--registry-api-key or {RegistryApiKeyVariable}) must be 1 to {ConnectionOptions.MaxApiKeyLength} printable ASCII characters without spaces";
        }

        if (mix.Contains(Workload.Verify) && registryKey is null)
        {
            return $"verify sends fresh credentials, minted with RegistryService.IssueCredential: give --registry-api-key (a registry-role caller) or set {RegistryApiKeyVariable}";
        }

        var credentialCap = DefaultCredentialCap;
        if (s.Credentials is not null && !BenchText.TryParseCount("--credentials", s.Credentials, 10_000_000, out credentialCap, out message))
        {
            return message;
        }

        TimeSpan? lifetime = null;
        if (s.CredentialLifetime is not null)
        {
            if (!BenchText.TryParseDuration("--credential-lifetime", s.CredentialLifetime, unitRequired: false, out var l, out message))
            {
                return message;
            }

            if (l < TimeSpan.FromSeconds(30))
            {
                return "--credential-lifetime must be at least 30s: credentials are dropped unsent 15 s before they expire";
            }

            lifetime = l;
        }

        // Gates.
        TimeSpan? maxP99 = null;
        if (s.MaxP99 is not null)
        {
            if (!BenchText.TryParseDuration("--max-p99", s.MaxP99, unitRequired: true, out var p99, out message))
            {
                return message;
            }

            maxP99 = p99;
        }

        double? maxErrorRate = null;
        if (s.MaxErrorRate is not null)
        {
            if (!BenchText.TryParseFraction("--max-error-rate", s.MaxErrorRate, out var rate, out message))
            {
                return message;
            }

            maxErrorRate = rate;
        }

        plan = new BenchPlan
        {
            Mix = mix,
            KeysFile = s.Keys.Trim(),
            OpenLoop = openLoop,
            ClosedLoop = closedLoop,
            Warmup = warmup,
            Duration = duration,
            Count = count,
            Connections = (int)connections,
            Skew = skew,
            Seed = seed,
            Purpose = purpose,
            ViolationsByPlate = byPlate.Value,
            RegistryApiKey = registryKey is null ? null : new Secret(registryKey),
            CredentialCap = credentialCap,
            CredentialLifetime = lifetime,
            JsonFile = NullIfEmpty(s.JsonFile),
            CsvFile = NullIfEmpty(s.CsvFile),
            HdrLogFile = NullIfEmpty(s.HdrLogFile),
            Gates = new SloGates(maxP99, maxErrorRate),
            Quiet = s.Quiet,
        };
        return null;
    }

    private static bool TryParseSchedule(BenchSettings s, out RateSchedule schedule, out string error)
    {
        schedule = RateSchedule.Constant(DefaultRate);
        error = string.Empty;
        if (s.Ramp is not null)
        {
            var parts = s.Ramp.Split(':');
            if (parts.Length != 3)
            {
                error = $"--ramp must be FROM:TO:OVER, e.g. 1000:5000:30s (got \"{s.Ramp}\")";
                return false;
            }

            if (!BenchText.TryParseRate("--ramp (from)", parts[0], allowZero: true, out var from, out error)
                || !BenchText.TryParseRate("--ramp (to)", parts[1], allowZero: true, out var to, out error)
                || !BenchText.TryParseDuration("--ramp (over)", parts[2], unitRequired: false, out var over, out error))
            {
                return false;
            }

            if (over <= TimeSpan.Zero || (from == 0 && to == 0))
            {
                error = "--ramp needs a length above 0 and a rate above 0 at one end at least, e.g. 1000:5000:30s";
                return false;
            }

            schedule = RateSchedule.Ramp(from, to, over);
            return true;
        }

        if (s.Steps is not null)
        {
            var rates = new List<double>();
            foreach (var part in s.Steps.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!BenchText.TryParseRate("--steps", part, out var rate, out error))
                {
                    return false;
                }

                rates.Add(rate);
            }

            if (rates.Count > 1000)
            {
                error = "--steps takes at most 1000 steps";
                return false;
            }

            var stepDuration = TimeSpan.FromSeconds(10);
            if (s.StepDuration is not null
                && !BenchText.TryParseDuration("--step-duration", s.StepDuration, unitRequired: false, out stepDuration, out error))
            {
                return false;
            }

            if (stepDuration <= TimeSpan.Zero)
            {
                error = "--step-duration must be above 0, e.g. 10s";
                return false;
            }

            schedule = RateSchedule.Steps(rates, stepDuration);
            return true;
        }

        if (s.Rate is not null)
        {
            if (!BenchText.TryParseRate("--rate", s.Rate, out var rate, out error))
            {
                return false;
            }

            schedule = RateSchedule.Constant(rate);
        }

        return true;
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
