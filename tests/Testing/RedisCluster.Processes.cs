using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace ELicense.Testing;

/// <summary>The processes: one redis-server per node, started and stopped by its own handle, and redis-cli runs.</summary>
public sealed partial class RedisCluster
{
    private static void Launch(RedisClusterNode node)
    {
        node.Hold?.Dispose();
        node.Hold = null;
        var start = new ProcessStartInfo(RedisBinaries.Server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = node.Directory,
        };
        string[] args =
        [
            "--port", node.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes",
            // Relative to --dir: a path with a directory in it fails to lock.
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", ((int)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            // 0: a replica that was cut off from its master may still take over (the lost-writes failover).
            "--cluster-replica-validity-factor", "0",
            "--appendonly", "no", "--save", "",
            "--dir", node.Directory, "--daemonize", "no", "--logfile", node.LogFile, "--loglevel", "notice",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process?.Dispose();
        node.Process = process;
        node.IsFrozen = false;
    }

    private static async Task WaitForPingAsync(RedisClusterNode node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await RedisClusterResp.SendAsync(node.Port, TimeSpan.FromSeconds(1), cancellationToken, "PING") == "PONG")
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (node.Process is not { HasExited: false } || deadline.Elapsed > timeout)
            {
                throw new NodeDidNotStartException(
                    $"redis-server on port {node.Port} did not answer PING ({(node.IsRunning ? "running" : "exited")}); log: {Tail(node.LogFile)}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task StopProcessAsync(RedisClusterNode node)
    {
        if (node.Process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL ends a stopped (frozen) process too
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(bound.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or did not die within the bound (reported by the next start's port check).
        }

        node.IsFrozen = false;
    }

    private static async Task SignalAsync(RedisClusterNode node, string signal)
    {
        if (!node.IsRunning)
        {
            throw new InvalidOperationException($"Node {node.EndPoint} is not running.");
        }

        using var kill = Process.Start("kill", ["-" + signal, node.Pid.ToString(CultureInfo.InvariantCulture)]);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(bound.Token);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {node.Pid} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Checks that <paramref name="node"/> is one of this cluster's, so a fault never hits another fixture's process.</summary>
    private RedisClusterNode Own(RedisClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _nodes.Contains(node) ? node : throw new ArgumentException($"{node.EndPoint} is not a node of this cluster.", nameof(node));
    }

    private static string Tail(string file)
    {
        try
        {
            return string.Join(" | ", File.ReadLines(file).TakeLast(5));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private sealed class NodeDidNotStartException(string message) : Exception(message);
}
