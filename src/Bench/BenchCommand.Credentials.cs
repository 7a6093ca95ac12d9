using Grpc.Core;
using Spectre.Console;
using ELicense.Client.Connection;
using ELicense.Client.Rendering;

namespace ELicense.Bench;

/// <summary>verify's and roadside's licence credentials: how many to mint before the run, and minting them (the refill runs during it).</summary>
public sealed partial class BenchCommand
{
    private const int MintParallelism = 64;

    private async Task<CredentialPool> FillPoolAsync(
        BenchPlan plan, ConnectionOptions options, BenchConnections connections, BenchRequests requests, CancellationToken cancellationToken)
    {
        var pool = new CredentialPool(connections.Registry, BenchConnections.Headers(plan.RegistryApiKey), requests.LicenseNumbers,
            plan.Skew, plan.Seed, options.DeviceId, plan.CredentialLifetime, options.Deadline, Environment.Time);
        try
        {
            // One first: it fails fast on a key without the registry role, and tells the lifetime the server gives.
            await pool.MintAsync(1, 1, cancellationToken);
            var needed = CredentialsNeeded(plan, pool.ObservedLifetime ?? TimeSpan.FromMinutes(3));
            if (!plan.Quiet)
            {
                Environment.Error.MarkupLine($"[grey]minting {needed:N0} fresh credentials for {Markup.Escape(string.Join(" and ", plan.Mix.Entries.Where(e => Workloads.SendsCredentials(e.Workload)).Select(e => Workloads.Name(e.Workload))))} (IssueCredential)…[/]");
            }

            await pool.MintAsync(needed - 1, MintParallelism, cancellationToken);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Environment.Error.MarkupLine(
                $"[{Palette.Red}]minting licence credentials failed (RegistryService.IssueCredential with the registry API key): {Markup.Escape(ErrorView.CodeName(ex.StatusCode))}[/]");
            throw;
        }

        return pool;
    }

    /// <summary>roadside's vehicles: marks minted with the issuer key (signing is local, a few seconds at most) and plates.</summary>
    private RoadsideVehicles BuildRoadside(BenchPlan plan, BenchKeys keys)
    {
        using var minter = plan.MarkKeyFile is { } keyFile ? MarkMinter.Load(keyFile, plan.MarkIssuer) : null;
        var vehicles = RoadsideVehicles.Build(keys, minter, plan.RoadsidePlateShare, plan.Seed, Environment.Time.GetUtcNow());
        if (!plan.Quiet)
        {
            Environment.Error.MarkupLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"[grey]roadside: {vehicles.Marks.Length:N0} inspection marks minted (key {minter?.KeyIdHex ?? "none"}, {vehicles.Skipped:N0} vehicles skipped: inspection over), {vehicles.Plates.Length:N0} plates, {BenchText.FormatPercent(vehicles.PlateShare)} of calls by plate[/]"));
        }

        return vehicles;
    }

    /// <summary>
    /// How many credentials to mint before the run: what it will send (a little more, for the draw's
    /// variance), at most what it can send before they near expiry, at most the cap. The rest, if any, is
    /// minted in the background.
    /// </summary>
    public static long CredentialsNeeded(BenchPlan plan, TimeSpan lifetime)
    {
        var share = CredentialShare(plan.Mix);
        var usable = Math.Max(10, (lifetime - CredentialPool.ExpiryMargin - TimeSpan.FromSeconds(15)).TotalSeconds);
        var needed = (double)(ExpectedVerifies(plan) ?? 50_000);
        if (plan.OpenLoop is { } open)
        {
            // No more than the run can send before they near expiry; the refill mints the rest in time.
            needed = Math.Min(needed, (open.Schedule.PeakRate * share * usable) + 64);
        }

        return Math.Clamp((long)Math.Ceiling(needed), 1, plan.CredentialCap);
    }

    /// <summary>The share of requests that take a fresh licence credential (verify and roadside).</summary>
    public static double CredentialShare(WorkloadMix mix) => mix.Share(Workload.Verify) + mix.Share(Workload.Roadside);

    /// <summary>How many verify and roadside requests an open-loop run will send (warm-up included); null when not known (closed loop without a count).</summary>
    public static long? ExpectedVerifies(BenchPlan plan)
    {
        var share = CredentialShare(plan.Mix);
        return plan.OpenLoop is { } open ? (long)Math.Ceiling(open.EndIndex * share * 1.02) + 64
            : plan.ClosedLoop is { Count: { } count } closed ? (long)Math.Ceiling(count * share * 1.02) + (2L * closed.Concurrency) + 64
            : null;
    }
}
