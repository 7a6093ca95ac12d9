using System.ComponentModel;
using Spectre.Console.Cli;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>Settings of elicense-bench. Values are parsed by <see cref="BenchPlan"/>, which says what is wrong with them.</summary>
public sealed class BenchSettings : ConnectionSettings
{
    /// <summary>The workload, when it is one.</summary>
    [CommandArgument(0, "[workload]")]
    [Description("What to send: " + Workloads.Accepted + ". Or give --mix.")]
    public string? Workload { get; init; }

    /// <summary>A weighted mix of workloads.</summary>
    [CommandOption("--mix <SPEC>")]
    [Description("Weighted mix of workloads, e.g. license=70,verify=20,vehicle=10.")]
    public string? Mix { get; init; }

    /// <summary>The keys file.</summary>
    [CommandOption("--keys <FILE>")]
    [Description("Keys to draw from, one a line: licence numbers, VINs, plates with their type (\"京A12345 02\") and, for roadside, vehicle records (\"京A12345 02 LSVAM4187C2184847 K33 2027-05-31\"). Required. See README, Load testing.")]
    public string? Keys { get; init; }

    /// <summary>Constant rate.</summary>
    [CommandOption("--rate <RATE>")]
    [Description("Open loop: send at this constant rate, requests per second (e.g. 1000, 2.5k). Default 100 unless --ramp, --steps or --concurrency.")]
    public string? Rate { get; init; }

    /// <summary>Linear ramp.</summary>
    [CommandOption("--ramp <FROM:TO:OVER>")]
    [Description("Open loop: ramp the rate linearly, e.g. 1000:5000:30s; the end rate holds after the ramp.")]
    public string? Ramp { get; init; }

    /// <summary>Rate steps.</summary>
    [CommandOption("--steps <RATES>")]
    [Description("Open loop: rate steps, e.g. 1000,2000,4000, each for --step-duration; the last holds.")]
    public string? Steps { get; init; }

    /// <summary>Length of each step.</summary>
    [CommandOption("--step-duration <DURATION>")]
    [Description("Length of each --steps step (default 10s).")]
    public string? StepDuration { get; init; }

    /// <summary>Closed loop: number of workers.</summary>
    [CommandOption("--concurrency <N>")]
    [Description("Closed loop: N workers, each sending as soon as its previous answer came (finds max throughput; its latencies are not latencies under load).")]
    public string? Concurrency { get; init; }

    /// <summary>Open loop: most requests in flight.</summary>
    [CommandOption("--max-in-flight <N>")]
    [Description("Open loop: most requests in flight (default 4096); when reached, sending waits and the wait shows in the latencies.")]
    public string? MaxInFlight { get; init; }

    /// <summary>HTTP/2 connections.</summary>
    [CommandOption("--connections <N>")]
    [Description("HTTP/2 connections (one gRPC channel each, used round robin). Default 4.")]
    public string? Connections { get; init; }

    /// <summary>Measured duration.</summary>
    [CommandOption("--duration <DURATION>")]
    [Description("How long to measure after the warm-up, e.g. 10s, 2m. Default 10s unless --count (or the length of --ramp/--steps).")]
    public string? Duration { get; init; }

    /// <summary>Measured requests.</summary>
    [CommandOption("--count <N>")]
    [Description("Stop after N measured requests (after the warm-up); with --duration, whichever comes first.")]
    public string? Count { get; init; }

    /// <summary>Warm-up.</summary>
    [CommandOption("--warmup <DURATION>")]
    [Description("Warm-up before measuring, at the initial rate; its requests are not in the statistics. Default 1s; 0 for none.")]
    public string? Warmup { get; init; }

    /// <summary>Key skew.</summary>
    [CommandOption("--skew <SPEC>")]
    [Description("How keys are drawn: uniform (default), or hotspot:90/10 (90% of requests on 10% of keys).")]
    public string? Skew { get; init; }

    /// <summary>Random seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of the request sequence (workloads, keys); the same seed sends the same requests. Default 1.")]
    public string? Seed { get; init; }

    /// <summary>Lookup purpose.</summary>
    [CommandOption("--purpose <PURPOSE>")]
    [Description("Purpose sent with license and violations lookups (default roadside-check): " + Purposes.Accepted + ".")]
    public string? Purpose { get; init; }

    /// <summary>Subject of violations lookups.</summary>
    [CommandOption("--violations-by <SUBJECT>")]
    [Description("violations lists by: license (default) or plate.")]
    public string? ViolationsBy { get; init; }

    /// <summary>The registry caller's key, for minting credentials.</summary>
    [CommandOption("--registry-api-key <KEY>")]
    [Description("verify, roadside: API key of a registry-role caller, to mint fresh credentials (IssueCredential); never printed. Default: $ELICENSE_REGISTRY_API_KEY.")]
    public string? RegistryApiKey { get; init; }

    /// <summary>Credentials minted before the run.</summary>
    [CommandOption("--credentials <N>")]
    [Description("verify, roadside: most credentials to mint before the run (default: what the run needs, up to 100k); more are minted as the pool runs low.")]
    public string? Credentials { get; init; }

    /// <summary>Requested credential lifetime.</summary>
    [CommandOption("--credential-lifetime <DURATION>")]
    [Description("verify, roadside: lifetime to ask for (default: the server's, 3 minutes unless configured); credentials near expiry are dropped, not sent.")]
    public string? CredentialLifetime { get; init; }

    /// <summary>The issuer key that signs roadside's inspection marks.</summary>
    [CommandOption("--mark-key <FILE>")]
    [Description("roadside: the issuer's private key (PKCS#8 PEM, e.g. the server's Credentials:DevelopmentKeyPath) that signs the inspection marks minted from the --keys file's vehicle records.")]
    public string? MarkKey { get; init; }

    /// <summary>The issuer named in roadside's marks.</summary>
    [CommandOption("--mark-issuer <NAME>")]
    [Description("roadside: the issuer claim of the marks, as the server's Credentials:Issuer (default ELicense).")]
    public string? MarkIssuer { get; init; }

    /// <summary>The share of roadside calls by plate.</summary>
    [CommandOption("--roadside-by-plate <SHARE>")]
    [Description("roadside: share of calls that name the vehicle by its plate (typed by the officer) instead of its inspection mark, e.g. 10% (default) or 0.")]
    public string? RoadsideByPlate { get; init; }

    /// <summary>JSON report file.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the report as JSON to FILE.")]
    public string? JsonFile { get; init; }

    /// <summary>CSV report file.</summary>
    [CommandOption("--csv <FILE>")]
    [Description("Also write one CSV row per operation (and one for all) to FILE.")]
    public string? CsvFile { get; init; }

    /// <summary>HdrHistogram log file.</summary>
    [CommandOption("--hdr-log <FILE>")]
    [Description("Write one latency histogram per second to FILE in the HdrHistogram log format (values in ns), for plotting.")]
    public string? HdrLogFile { get; init; }

    /// <summary>Gate on p99.</summary>
    [CommandOption("--max-p99 <LATENCY>")]
    [Description("Gate: fail (exit 5) when the p99 latency is above this, e.g. 5ms.")]
    public string? MaxP99 { get; init; }

    /// <summary>Gate on the error rate.</summary>
    [CommandOption("--max-error-rate <RATE>")]
    [Description("Gate: fail (exit 5) when the error rate (non-OK answers and requests not sent) is above this, e.g. 0.1%.")]
    public string? MaxErrorRate { get; init; }

    /// <summary>No progress line.</summary>
    [CommandOption("--quiet")]
    [Description("No live progress line on stderr (it is left out anyway when stderr is not a terminal).")]
    public bool Quiet { get; init; }
}
