using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Bench;

/// <summary>
/// verify's and roadside's licence credentials: the registry caller's key that mints them (--registry-api-key or its variable), how many
/// to mint before the run, and the lifetime to ask for.
/// </summary>
internal static class PlanMinting
{
    /// <summary>The parsed minting options.</summary>
    public sealed record Result(Secret? RegistryApiKey, long CredentialCap, TimeSpan? CredentialLifetime);

    /// <summary>The minting the options ask for; null, or a message saying what is wrong.</summary>
    public static string? TryParse(BenchSettings s, WorkloadMix mix, Func<string, string?> getVariable, out Result minting)
    {
        minting = null!;
        var registryKey = FirstNonEmpty(s.RegistryApiKey, getVariable(BenchPlan.RegistryApiKeyVariable));
        if (registryKey is not null && !ConnectionOptions.IsValidApiKey(registryKey))
        {
            return $"the registry API key (--registry-api-key or {BenchPlan.RegistryApiKeyVariable}) must be 1 to {ConnectionOptions.MaxApiKeyLength} printable ASCII characters without spaces";
        }

        if (mix.Entries.FirstOrDefault(e => Workloads.SendsCredentials(e.Workload)) is { Weight: > 0 } sending && registryKey is null)
        {
            return $"{Workloads.Name(sending.Workload)} sends fresh credentials, minted with RegistryService.IssueCredential: give --registry-api-key (a registry-role caller) or set {BenchPlan.RegistryApiKeyVariable}";
        }

        var credentialCap = BenchPlan.DefaultCredentialCap;
        if (s.Credentials is not null && !BenchText.TryParseCount("--credentials", s.Credentials, 10_000_000, out credentialCap, out var message))
        {
            return message;
        }

        TimeSpan? lifetime = null;
        if (s.CredentialLifetime is not null)
        {
            if (!BenchText.TryParseDuration("--credential-lifetime", s.CredentialLifetime, unitRequired: false, out var l, out message))
            {
                return message;
            }

            if (l < TimeSpan.FromSeconds(30))
            {
                return "--credential-lifetime must be at least 30s: credentials are dropped unsent 15 s before they expire";
            }

            lifetime = l;
        }

        minting = new Result(registryKey is null ? null : new Secret(registryKey), credentialCap, lifetime);
        return null;
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
