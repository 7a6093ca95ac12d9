using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ELicense.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, for one fixture: a copy of a template cluster
/// (made once per test process with <c>initdb</c>) started with <c>pg_ctl</c>, its socket in its own
/// directory, stopped and deleted on dispose. Copying the template instead of running initdb again is
/// what makes a cluster start in well under a second.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root: when the tests run as root (CI), every program runs as the
/// <c>postgres</c> user through <c>runuser -u postgres --</c>, and the directories belong to that user.
/// The cluster runs with <c>fsync=off</c>: tests check what the server promises (commit before answer,
/// <c>synchronous_commit</c> on), not the disk; the benchmarks' clusters keep fsync on.
/// Every process started here is stopped through its own data directory (<c>pg_ctl -D</c>) or its own
/// postmaster pid, never by name.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser every test connects as (trust authentication, loopback only).</summary>
    public const string User = "postgres";

    /// <summary>The longest any program started here may run (pg_ctl's own wait is 60 s).</summary>
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);
    private bool _running;
    private bool _frozen;

    private PostgresCluster(string dataDirectory, int port)
    {
        DataDirectory = dataDirectory;
        Port = port;
    }

    /// <summary>The cluster's data directory (also its socket directory).</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback TCP port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts a new cluster from the template.</summary>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var template = await Template.Value;
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "elicense-pg-" + Guid.NewGuid().ToString("N")[..12]);
        await RunAsync("cp", ["-a", template, directory], cancellationToken);
        var cluster = new PostgresCluster(directory, FreePort());
        try
        {
            await cluster.StartAgainAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>An Npgsql connection string to <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= "db_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Runs one SQL text on <paramref name="connectionString"/> (no pooling), for set-up and fault injection.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Starts the (stopped) cluster again, on the same port, with the same data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var options = string.Join(' ',
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", DataDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "max_connections=300",
            "-c", "shared_buffers=64MB");
        await RunAsync(PostgresBinaries.Path("pg_ctl"),
            ["-D", DataDirectory, "-l", System.IO.Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60", "-o", options, "start"],
            cancellationToken, asPostgres: true);
        _running = true;
    }

    /// <summary>Stops the cluster: <c>fast</c> (clients disconnected, clean shutdown) or <c>immediate</c> (as a crash).</summary>
    public async Task StopAsync(string mode = "fast", CancellationToken cancellationToken = default)
    {
        if (!_running)
        {
            return;
        }

        await RunAsync(PostgresBinaries.Path("pg_ctl"), ["-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop"], cancellationToken, asPostgres: true);
        _running = false;
    }

    /// <summary>Stops (fast) and starts the cluster again: every connection is dropped, the data stays.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync("fast", cancellationToken);
        await StartAgainAsync(cancellationToken);
    }

    /// <summary>Freezes the postmaster and every backend (SIGSTOP): connections stay open, nothing answers.</summary>
    public async Task FreezeAsync()
    {
        // Marked first: should signalling fail half-way, dispose still thaws whatever was stopped.
        _frozen = true;
        await SignalAllAsync("STOP");
    }

    /// <summary>Lets a frozen cluster run on (SIGCONT).</summary>
    public async Task ThawAsync()
    {
        await SignalAllAsync("CONT");
        _frozen = false;
    }

    /// <summary>The postmaster's pid, from its own <c>postmaster.pid</c>.</summary>
    public int PostmasterPid()
    {
        var first = File.ReadLines(System.IO.Path.Combine(DataDirectory, "postmaster.pid")).First();
        return int.Parse(first, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private async Task SignalAllAsync(string signal)
    {
        var postmaster = PostmasterPid();
        var children = File.ReadAllText($"/proc/{postmaster}/task/{postmaster}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // The postmaster first on STOP (it would otherwise start new backends), last on CONT.
        string[] pids = signal == "STOP"
            ? [postmaster.ToString(CultureInfo.InvariantCulture), .. children]
            : [.. children, postmaster.ToString(CultureInfo.InvariantCulture)];
        try
        {
            await RunAsync("kill", ["-" + signal, .. pids], CancellationToken.None);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No such process", StringComparison.Ordinal))
        {
            // kill signals every pid it can and fails for one that exited since the list was read (an
            // autovacuum worker, a backend whose client left): those need no signal. Each pid still alive got it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_frozen)
            {
                await ThawAsync();
            }

            await StopAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // pg_ctl failed (a frozen or damaged cluster): stop the postmaster by its own pid.
            TryKill(PostmasterPid);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing its log; the directory is in the temp folder.
        }
    }

    private static void TryKill(Func<int> pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid());
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            // Already gone.
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"elicense-pg-template-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        await RunAsync(PostgresBinaries.Path("initdb"),
            ["-D", directory, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            CancellationToken.None, asPostgres: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is in the temp folder.
            }
        };
        return directory;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to its end; as the postgres user when this process is root. Throws with its output on failure.</summary>
    private static async Task RunAsync(string program, string[] arguments, CancellationToken cancellationToken, bool asPostgres = false)
    {
        var start = asPostgres && Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", User, "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            // Bounded: pg_ctl has its own -t, but a stuck runuser, cp or kill must fail the test, not hang the run.
            await process.WaitForExitAsync(cancellationToken).WaitAsync(ProcessTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not exit within {ProcessTimeout}; killed.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
