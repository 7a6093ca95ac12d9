using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// The built server (ELicense.Server.dll beside the tests) as a child process on a free loopback port,
/// for what only a real process shows: its exit code, its stderr, its answer to SIGTERM. Owned by the test
/// that started it: killed (SIGKILL) and waited for on dispose if it is still running.
/// Its waits and signals are in ServerProcess.Lifecycle.cs.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public Uri Address { get; }

    /// <summary>The channel without credentials: anonymous calls (health).</summary>
    public GrpcChannel Channel { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything written to stdout so far (the console log).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Calls carrying <paramref name="caller"/>'s API key.</summary>
    public CallInvoker As(TestCaller caller) => Channel.Intercept(metadata =>
    {
        metadata.Add("authorization", "Bearer " + caller.Key);
        return metadata;
    });

    /// <summary>
    /// Starts the server with the test callers, no Redis unless <paramref name="extraArgs"/> names one, its
    /// files in <paramref name="dataDirectory"/>, the metrics endpoint on a free port; later arguments win.
    /// Returns once the process runs; it may still be starting (or about to fail: see <see cref="WaitForExitAsync"/>).
    /// </summary>
    public static ServerProcess Start(string dataDirectory, IEnumerable<string>? extraArgs = null, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{(port ?? FreePort()).ToString(CultureInfo.InvariantCulture)}");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "ELicense.Server.dll"),
            $"--Urls={address}",
            $"--Registry:Path={Path.Combine(dataDirectory, "registry.db")}",
            "--Redis:Configuration=",
            $"--Credentials:DevelopmentKeyPath={Path.Combine(dataDirectory, "issuer-dev-key.pem")}",
            $"--Audit:Path={Path.Combine(dataDirectory, "audit.db")}",
            $"--Audit:SubjectKeyPath={Path.Combine(dataDirectory, "audit-subject-key")}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:ELicense.Server.Hosting=Information",
            "--Metrics:Url=http://127.0.0.1:0",
            .. TestCallers.Arguments,
            .. extraArgs ?? [],
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => Append(server._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(server._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>A port free now on loopback (another process could take it before the server binds it: unlikely, and it fails loudly).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
