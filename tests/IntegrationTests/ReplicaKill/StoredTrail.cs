using System.Globalization;
using System.Text.RegularExpressions;
using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.IntegrationTests.ReplicaKill;

/// <summary>
/// The audit trail as PostgreSQL holds it after the fact, read with the engine's own read-only trail (the one
/// <c>audit verify</c> reads), and <c>audit verify</c> itself run on it as an operator would.
/// </summary>
internal static partial class StoredTrail
{
    /// <summary>Every committed record, decoded; a record that does not decode fails the read.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> ReadAllAsync(string connectionString, CancellationToken cancellationToken)
    {
        var trail = AuditEngine.OpenReadOnlyTrail(Configuration(connectionString), path: "");
        try
        {
            await using var view = await trail.OpenViewAsync(cancellationToken);
            var records = new List<AuditRecord>();
            await foreach (var entry in view.ReadAfterAsync(null, cancellationToken))
            {
                if (entry.Problem is { } problem || !AuditChain.TryDecodeBody(entry.Body.Span, out _, out var record))
                {
                    throw new InvalidOperationException($"Audit record {entry.Sequence} does not read back: {entry.Problem ?? "undecodable body"}");
                }

                records.Add(record);
            }

            return records;
        }
        finally
        {
            await ((trail as IAsyncDisposable)?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }

    /// <summary><c>audit verify</c> on the trail: the exit code, the records it checked and its output.</summary>
    public static async Task<(int Exit, long Records, string Output)> VerifyAsync(string connectionString, CancellationToken cancellationToken)
    {
        string[] args = ["verify", "--Audit:Provider=Postgres", $"--Audit:ConnectionString={connectionString}"];
        var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(args, new ConfigurationBuilder().AddCommandLine(args[1..]).Build(),
            AuditEngine.OpenReadOnlyTrail, output, cancellationToken);
        var match = RecordCount().Match(output.ToString());
        var records = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        return (exit, records, output.ToString());
    }

    /// <summary>The keyed subjects the replicas write, from the subject key in <paramref name="keyDirectory"/> (every replica's copy).</summary>
    public static AuditSubjects Subjects(string keyDirectory) =>
        AuditSubjects.Create(new AuditOptions { SubjectKeyPath = Path.Combine(keyDirectory, "audit-subject-key") }, NullLogger.Instance);

    private static IConfiguration Configuration(string connectionString) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AuditOptions.SectionName}:{nameof(AuditOptions.Provider)}"] = "Postgres",
            [$"{AuditOptions.SectionName}:{nameof(AuditOptions.ConnectionString)}"] = connectionString,
        })
        .Build();

    [GeneratedRegex(@"^OK: (\d+) records", RegexOptions.Multiline)]
    private static partial Regex RecordCount();
}
