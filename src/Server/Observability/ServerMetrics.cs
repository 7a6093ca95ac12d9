using System.Diagnostics.Metrics;
using ELicense.V1;

namespace ELicense.Server.Observability;

/// <summary>
/// The server's own instruments: what a load tester watches beside the generator. Tag values come from
/// fixed sets (method names of the contract, enum names), never from request data, so a hostile caller
/// cannot grow the series count.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>The meter every ELicense instrument belongs to.</summary>
    public const string MeterName = "ELicense.Server";

    /// <summary>Method tag for requests that matched no gRPC method (bad paths, probes of other protocols).</summary>
    public const string UnknownMethod = "unknown";

    /// <summary>Latency histogram boundaries in seconds: fine below a millisecond, where cache-hot calls live.</summary>
    public static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Tag values boxed once: recording must not allocate per call.
    private static readonly object[] StatusCodes = Enumerable.Range(0, 17).Select(c => (object)c).ToArray();
    private static readonly Dictionary<Verdict, string> VerdictNames = Names<Verdict>();
    private static readonly Dictionary<VehicleVerdict, string> VehicleVerdictNames = Names<VehicleVerdict>();
    private static readonly Dictionary<ReplayCheck, string> ReplayNames = Names<ReplayCheck>();
    private static readonly Dictionary<DataSource, string> SourceNames = Names<DataSource>();

    private readonly Histogram<double> _rpcDuration;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _cacheReads;
    private readonly Counter<long> _vehicleVerdicts;

    public ServerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rpcDuration = meter.CreateHistogram<double>("elicense.rpc.server.duration", "s",
            "Time from the request's arrival to its last byte, per gRPC method and status code (includes refusals).");
        _verdicts = meter.CreateCounter<long>("elicense.verify.verdicts", "{verdict}",
            "Credential verdicts, per verdict and how the replay check was made.");
        _vehicleVerdicts = meter.CreateCounter<long>("elicense.vehicle.verdicts", "{verdict}",
            "Vehicle verdicts (inspection marks scanned, vehicles looked up at the roadside), per verdict and how the vehicle was named (mark, plate, vin).");
        _cacheReads = meter.CreateCounter<long>("elicense.cache.reads", "{read}",
            "Licence and vehicle reads, per level that answered (memory, redis, registry) and whether the answer was stale.");
    }

    /// <summary>Records one finished call. <paramref name="statusCode"/> is -1 when the call ended without a gRPC status.</summary>
    public void RecordRpc(string method, int statusCode, TimeSpan elapsed)
    {
        if (!_rpcDuration.Enabled)
        {
            return;
        }

        var status = (uint)statusCode < (uint)StatusCodes.Length ? StatusCodes[statusCode] : "none";
        _rpcDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("rpc.method", method),
            new KeyValuePair<string, object?>("rpc.grpc.status_code", status));
    }

    /// <summary>Records a verdict as it left the verify path (unary or stream).</summary>
    public void RecordVerdict(VerifyCredentialResponse response)
    {
        if (_verdicts.Enabled)
        {
            _verdicts.Add(1,
                new KeyValuePair<string, object?>("verdict", Name(VerdictNames, response.Verdict)),
                new KeyValuePair<string, object?>("replay_check", Name(ReplayNames, response.ReplayCheck)));
        }
    }

    /// <summary>Records a vehicle verdict; <paramref name="namedBy"/> is one of "mark", "plate", "vin" (a fixed set, never request data).</summary>
    public void RecordVehicleVerdict(VehicleCheck check, string namedBy)
    {
        if (_vehicleVerdicts.Enabled)
        {
            _vehicleVerdicts.Add(1,
                new KeyValuePair<string, object?>("verdict", Name(VehicleVerdictNames, check.Verdict)),
                new KeyValuePair<string, object?>("named_by", namedBy));
        }
    }

    /// <summary>Records which cache level answered a read of <paramref name="kind"/> ("license", "vehicle").</summary>
    public void RecordCacheRead(string kind, DataSource source, bool stale)
    {
        if (_cacheReads.Enabled)
        {
            _cacheReads.Add(1,
                new KeyValuePair<string, object?>("kind", kind),
                new KeyValuePair<string, object?>("level", Name(SourceNames, source)),
                new KeyValuePair<string, object?>("stale", stale ? "true" : "false"));
        }
    }

    private static string Name<TEnum>(Dictionary<TEnum, string> names, TEnum value) where TEnum : struct, Enum =>
        names.TryGetValue(value, out var name) ? name : "other";

    // DATA_SOURCE_MEMORY → memory: the enum's own prefix says nothing in a tag value.
    private static Dictionary<TEnum, string> Names<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().ToDictionary(v => v, v =>
        {
            var original = typeof(TEnum).GetField(v.ToString())!
                .GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
                .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? v.ToString();
            var prefixEnd = PrefixLength(typeof(TEnum).Name);
            return (original.Length > prefixEnd ? original[prefixEnd..] : original).ToLowerInvariant();
        });

    // "ReplayCheck" → "REPLAY_CHECK_".Length
    private static int PrefixLength(string typeName) =>
        typeName.Length + typeName.Skip(1).Count(char.IsUpper) + 1;
}
