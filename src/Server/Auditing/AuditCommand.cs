using System.Globalization;
using ELicense.Server.Internal;
using Microsoft.Extensions.Configuration;

namespace ELicense.Server.Auditing;

/// <summary>
/// <c>audit verify [--Audit:Path=FILE]</c>: checks the audit trail's hash chain offline, on the engine the
/// configuration chooses (<c>Audit:Provider</c>: the SQLite file, or with <c>Postgres</c> the database of
/// <c>Audit:ConnectionString</c>). Program.cs runs it instead of the server when the first argument is
/// <c>audit</c>. Exit codes: 0 intact, 1 tampered or unreadable, 2 usage error, 130 cancelled.
/// </summary>
public static partial class AuditCommand
{
    public const string Usage = """
        Usage: audit verify [--Audit:Path=FILE] [--anchor SEQ:HASH]
               audit verify --Audit:Provider=Postgres --Audit:ConnectionString=CS [--anchor SEQ:HASH]

          verify   checks every record's hash, the sequence, the chain links and the committed head;
                   prints "OK: N records, chain intact, head <hex>" and the anchor of this head (exit 0),
                   or "TAMPERED: ..." (exit 1)
          --anchor SEQ:HASH
                   also checks that the chain still passes through record SEQ with that hash: the anchor
                   an earlier run printed. A file rewritten as a whole has an intact chain of its own;
                   only an anchor kept where the audit host cannot write tells it apart.
        """;

    /// <summary>Above this many records, a progress line is printed every 10 %.</summary>
    internal const long ProgressThreshold = 1_000_000;

    /// <param name="openTrail">
    /// The engine's read-only trail for the configuration and the audit path (<c>Engines/AuditEngine</c>
    /// chooses it, the same choice as the server's sink).
    /// </param>
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, Func<IConfiguration, string, IAuditTrailSource> openTrail,
        TextWriter output, CancellationToken ct) =>
        RunAsync(args, configuration, openTrail, output, ProgressThreshold, ct);

    internal static async Task<int> RunAsync(string[] args, IConfiguration configuration, Func<IConfiguration, string, IAuditTrailSource> openTrail,
        TextWriter output, long progressThreshold, CancellationToken ct)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            await output.WriteLineAsync(error);
            await output.WriteLineAsync(Usage);
            return 2;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        // A "--Audit:Path" among the command's arguments wins over the host's configuration.
        var path = parsed.AuditPath ?? configuration[$"{AuditOptions.SectionName}:{nameof(AuditOptions.Path)}"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = AuditOptions.DefaultPath;
        }

        IAuditTrailSource trail;
        try
        {
            trail = openTrail(configuration, path);
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync(e.Message); // a bad Audit:ConnectionString; the message never shows it
            return 2;
        }

        try
        {
            return await VerifyAsync(trail, parsed, IsPostgres(configuration), output, progressThreshold, ct);
        }
        finally
        {
            await ((trail as IAsyncDisposable)?.DisposeAsync() ?? ValueTask.CompletedTask); // a database trail's own data source
        }
    }

    private static async Task<int> VerifyAsync(IAuditTrailSource trail, Arguments parsed, bool postgres, TextWriter output,
        long progressThreshold, CancellationToken ct)
    {
        // Messages name the file, or postgres://host:port/database: never a password.
        var fullPath = trail.Location;
        try
        {
            var progress = new ProgressWriter(output, progressThreshold);
            var result = await AuditChainVerifier.VerifyAsync(trail, progress, ct);
            if (result.Problem is { } problem)
            {
                await output.WriteLineAsync($"TAMPERED: {problem.Description}");
                return 1;
            }

            if (parsed.Anchor is { } anchor && await AnchorProblemAsync(trail, anchor, result.HeadSequence, ct) is { } anchorProblem)
            {
                await output.WriteLineAsync(anchorProblem);
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"OK: {result.RecordsChecked} records, chain intact, head {result.HeadHashHex}"));
            if (parsed.Anchor is { } checkedAnchor)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"The chain passes through the anchored record seq {checkedAnchor.Sequence}."));
            }

            if (result.HeadSequence > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Anchor of this head (keep it where the audit host cannot write): --anchor {result.HeadSequence}:{result.HeadHashHex}"));
            }

            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await output.WriteLineAsync("Verification cancelled.");
            return 130;
        }
        catch (FileNotFoundException)
        {
            // The engine's "no trail there" (see IAuditTrailSource.OpenViewAsync).
            await output.WriteLineAsync(postgres
                ? $"No audit trail in {fullPath} (set --Audit:ConnectionString to the database the server writes it to)."
                : $"No audit file at {fullPath} (set --Audit:Path=FILE).");
            return 1;
        }
        catch (Exception e) when (trail.IsStorageError(e))
        {
            await output.WriteLineAsync($"Cannot read {fullPath} as {(postgres ? "an audit trail" : "an audit file")}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await output.WriteLineAsync($"Cannot read {fullPath}: {e.Message}");
            return 1;
        }
    }

    private static bool IsPostgres(IConfiguration configuration) =>
        Enum.TryParse<StorageProvider>(configuration[$"{AuditOptions.SectionName}:{nameof(AuditOptions.Provider)}"], ignoreCase: true, out var provider)
        && provider == StorageProvider.Postgres;
}
