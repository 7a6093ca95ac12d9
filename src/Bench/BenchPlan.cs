using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>
/// A validated elicense-bench run: what to send, how fast (open loop) or how many at once (closed loop), for how
/// long, where the reports go and which gates apply. <see cref="TryCreate"/> turns the options into one,
/// or into a message that says what is wrong.
/// </summary>
public sealed record BenchPlan
{
    /// <summary>Environment variable holding the registry caller's key (verify).</summary>
    public const string RegistryApiKeyVariable = "ELICENSE_REGISTRY_API_KEY";

    /// <summary>The rate when none is given: low, so that a bare `elicense-bench` cannot flood a server.</summary>
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

    /// <summary>roadside: the issuer key file that signs the marks, or null (then every call goes by plate).</summary>
    public string? MarkKeyFile { get; init; }

    /// <summary>roadside: the issuer claim of the marks.</summary>
    public string MarkIssuer { get; init; } = PlanRoadside.DefaultIssuer;

    /// <summary>roadside: the share of calls by plate rather than by mark.</summary>
    public double RoadsidePlateShare { get; init; } = RoadsideVehicles.DefaultPlateShare;

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

    /// <summary>
    /// Validates the options; <paramref name="getVariable"/> reads the environment (the registry key). Each part
    /// is checked by its own parser, in the order of the help (what, how long, how fast, where, minting, gates),
    /// so that the first thing wrong is the one reported.
    /// </summary>
    public static bool TryCreate(BenchSettings settings, Func<string, string?> getVariable, [NotNullWhen(true)] out BenchPlan? plan, [NotNullWhen(false)] out string? error)
    {
        plan = null;
        error = Validate(settings, getVariable, out plan);
        return error is null;
    }

    private static string? Validate(BenchSettings s, Func<string, string?> getVariable, out BenchPlan? plan)
    {
        plan = null;
        if (PlanWorkload.TryParse(s, out var mix) is { } mixError)
        {
            return mixError;
        }

        if (string.IsNullOrWhiteSpace(s.Keys))
        {
            return "give --keys FILE: licence numbers, VINs and plates (\"京A12345 02\"), one a line (README, Load testing, shows how to list a registry's)";
        }

        if (PlanPace.TryParse(s, out var pace) is { } paceError)
        {
            return paceError;
        }

        if (PlanTarget.TryParse(s, out var target) is { } targetError)
        {
            return targetError;
        }

        if (PlanMinting.TryParse(s, mix, getVariable, out var minting) is { } mintingError)
        {
            return mintingError;
        }

        if (PlanRoadside.TryParse(s, mix, out var roadside) is { } roadsideError)
        {
            return roadsideError;
        }

        if (PlanGates.TryParse(s, out var gates) is { } gatesError)
        {
            return gatesError;
        }

        plan = new BenchPlan
        {
            Mix = mix,
            KeysFile = s.Keys.Trim(),
            OpenLoop = pace.OpenLoop,
            ClosedLoop = pace.ClosedLoop,
            Warmup = pace.Warmup,
            Duration = pace.Duration,
            Count = pace.Count,
            Connections = target.Connections,
            Skew = target.Skew,
            Seed = target.Seed,
            Purpose = target.Purpose,
            ViolationsByPlate = target.ViolationsByPlate,
            RegistryApiKey = minting.RegistryApiKey,
            CredentialCap = minting.CredentialCap,
            CredentialLifetime = minting.CredentialLifetime,
            MarkKeyFile = roadside.MarkKeyFile,
            MarkIssuer = roadside.MarkIssuer,
            RoadsidePlateShare = roadside.PlateShare,
            JsonFile = NullIfEmpty(s.JsonFile),
            CsvFile = NullIfEmpty(s.CsvFile),
            HdrLogFile = NullIfEmpty(s.HdrLogFile),
            Gates = gates,
            Quiet = s.Quiet,
        };
        return null;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

