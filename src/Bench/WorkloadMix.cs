using System.Globalization;

namespace ELicense.Bench;

/// <summary>
/// The workloads of a run and their weights, e.g. license=70,verify=20,vehicle=10. A request's workload
/// is drawn by weight; operation numbers are the positions in <see cref="Entries"/>.
/// </summary>
public sealed class WorkloadMix
{
    private readonly int[] _cumulative;

    private WorkloadMix(IReadOnlyList<(Workload Workload, int Weight)> entries)
    {
        Entries = entries;
        _cumulative = new int[entries.Count];
        var sum = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            sum += entries[i].Weight;
            _cumulative[i] = sum;
        }

        TotalWeight = sum;
    }

    /// <summary>The workloads in the order given, with their weights.</summary>
    public IReadOnlyList<(Workload Workload, int Weight)> Entries { get; }

    /// <summary>The sum of the weights.</summary>
    public int TotalWeight { get; }

    /// <summary>The mix in the syntax it was given in, e.g. "license=70,verify=30", or the one name.</summary>
    public string Description => Entries.Count == 1
        ? Workloads.Name(Entries[0].Workload)
        : string.Join(",", Entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{Workloads.Name(e.Workload)}={e.Weight}")));

    /// <summary>One workload alone.</summary>
    public static WorkloadMix Only(Workload workload) => new([(workload, 1)]);

    /// <summary>
    /// Parses "license" or "license=70,verify=20,vehicle=10": known names, each once, whole weights from
    /// 1 to 1000000 (any scale: 7,2,1 is the same mix as 70,20,10).
    /// </summary>
    public static bool TryParse(string? text, out WorkloadMix mix, out string error)
    {
        mix = Only(Workload.License);
        var entries = new List<(Workload, int)>();
        var parts = (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && Workloads.TryParse(parts[0], out var only))
        {
            mix = Only(only);
            error = string.Empty;
            return true;
        }

        foreach (var part in parts)
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            if (!Workloads.TryParse(name, out var workload))
            {
                error = $"--mix: unknown workload \"{name}\"; use {Workloads.Accepted}, e.g. --mix license=70,verify=20,vehicle=10";
                return false;
            }

            if (equals < 0 || !int.TryParse(part[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var weight)
                || weight is < 1 or > 1_000_000)
            {
                error = $"--mix: \"{part}\" needs a whole weight from 1 to 1000000, e.g. {Workloads.Name(workload)}=70";
                return false;
            }

            if (entries.Exists(e => e.Item1 == workload))
            {
                error = $"--mix: {Workloads.Name(workload)} is given twice";
                return false;
            }

            entries.Add((workload, weight));
        }

        mix = new WorkloadMix(entries);
        error = string.Empty;
        return true;
    }

    /// <summary>The operation (position in <see cref="Entries"/>) for a draw uniform in [0, <see cref="TotalWeight"/>).</summary>
    public int Pick(int draw)
    {
        for (var i = 0; i < _cumulative.Length - 1; i++)
        {
            if (draw < _cumulative[i])
            {
                return i;
            }
        }

        return _cumulative.Length - 1;
    }

    /// <summary>The share of requests that go to <paramref name="workload"/> (0 when it is not in the mix).</summary>
    public double Share(Workload workload) =>
        Entries.Where(e => e.Workload == workload).Sum(e => (double)e.Weight) / TotalWeight;

    /// <summary>Whether the mix holds <paramref name="workload"/>.</summary>
    public bool Contains(Workload workload) => Entries.Any(e => e.Workload == workload);
}
