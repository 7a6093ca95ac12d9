
using System.Text;
using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>On SQLite: the audit file beside the registry file, in the server's data directory.</summary>
public sealed class AuditTrailTests : AuditTrailCases
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-audit-it-").FullName;

    private string AuditPath => Path.Combine(_directory, "audit.db");

    protected override Task<ServerInstance> StartServerAsync() => ServerInstance.StartAsync(_directory, redisConfiguration: "");

    protected override string[] VerifyArguments => ["verify", $"--Audit:Path={AuditPath}"];

    protected override void CloseConnections() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    protected override async Task<bool> TrailHoldsAsync(string text)
    {
        var bytes = await ReadAllBytesSharedAsync(AuditPath);
        return bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }

    private static async Task<byte[]> ReadAllBytesSharedAsync(string path)
    {
        var result = new List<byte>();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory, TestContext.Current.CancellationToken);
            result.AddRange(memory.ToArray());
        }

        return [.. result];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
