using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace ELicense.Microbenchmarks;

internal static class Program
{
    /// <summary>
    /// Everything BenchmarkDotNet's command line offers works here (--filter, --job short, --exporters json,
    /// ...). Results go to this project's BenchmarkDotNet.Artifacts unless --artifacts says otherwise, so that
    /// a script finds them wherever it was started from.
    /// </summary>
    public static void Main(string[] args)
    {
        IConfig config = DefaultConfig.Instance;
        if (!args.Contains("--artifacts", StringComparer.Ordinal))
        {
            var artifacts = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ArtifactsPath").Value!;
            config = config.WithArtifactsPath(artifacts);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
