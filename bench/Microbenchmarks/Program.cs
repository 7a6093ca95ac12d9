using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Metrology;

namespace ELicense.Microbenchmarks;

internal static class Program
{
    /// <summary>
    /// Everything BenchmarkDotNet's command line offers works here (--filter, --job short, --exporters json,
    /// ...). Results go to this project's BenchmarkDotNet.Artifacts unless --artifacts says otherwise, so that
    /// a script finds them wherever it was started from. "audit-writer" runs <see cref="AuditWriterLoad"/> instead,
    /// "redis-cache" <see cref="RedisCacheLoad"/>, "audit-postgres" <see cref="AuditPostgresLoad"/>.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is ["audit-writer", .. var rest])
        {
            return await AuditWriterLoad.RunAsync(rest);
        }

        if (args is ["audit-postgres", .. var postgresArgs])
        {
            return await AuditPostgresLoad.RunAsync(postgresArgs);
        }

        if (args is ["redis-cache", .. var cacheArgs])
        {
            return RedisCacheLoad.Run(cacheArgs);
        }

        // Allocations in bytes, not rounded to KB: the per-call differences of interest are a few hundred bytes.
        IConfig config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
        if (!args.Contains("--artifacts", StringComparer.Ordinal))
        {
            var artifacts = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ArtifactsPath").Value!;
            config = config.WithArtifactsPath(artifacts);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
