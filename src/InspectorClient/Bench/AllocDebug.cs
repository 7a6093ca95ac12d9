using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ELicense.Inspector.Bench;

internal sealed class AllocDebug : EventListener
{
    public readonly ConcurrentDictionary<string, long> ByType = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } p)
        {
            var name = e.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? p[i]?.ToString() ?? "?" : "?";
            var amount = e.PayloadNames!.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(p[j], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
            ByType.AddOrUpdate(name, amount, (_, v) => v + amount);
        }
    }

    public void Dump()
    {
        foreach (var (k, v) in ByType.OrderByDescending(x => x.Value).Take(25))
        {
            Console.Error.WriteLine($"ALLOC {v / 1e6,8:F1} MB {k}");
        }
    }
}
