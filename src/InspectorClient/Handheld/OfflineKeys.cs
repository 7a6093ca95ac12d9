using ELicense.Inspector.Offline;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The issuer keys the console verifies with when the server cannot be reached: loaded from the cache
/// directory at the start of a shift, fetched again with every probe and saved back.
/// </summary>
public sealed class OfflineKeys(HandheldContext context, Connectivity link) : IDisposable
{
    private readonly IssuerKeyCache _cache = new(context.Options.CacheDirectory);

    /// <summary>The verifier over the current keys; null while the console has none.</summary>
    public OfflineVerifier? Verifier { get; private set; }

    /// <summary>
    /// How a scan is recognised and how long a code may be sent online: the cached published policy, or
    /// Core's defaults while no usable policy is cached (see <see cref="ScanLimits.Default"/>).
    /// </summary>
    public ScanLimits Limits => Verifier?.Limits ?? ScanLimits.Default;

    /// <summary>Loads the cached keys, when they are this server's and readable; says why not otherwise.</summary>
    public void LoadCached()
    {
        var text = context.Text;
        if (_cache.Load(out var problem) is { } cached)
        {
            // Keys fetched from another server (a training or test one) must not pass that server's codes here.
            // Replicas of one service share its issuer keys: keys fetched from any of them are this server's.
            if (Uri.TryCreate(cached.Server, UriKind.Absolute, out var from) && context.Options.Replicas.Contains(from))
            {
                Use(cached);
            }
            else
            {
                context.Say(text.KeyCacheOtherServer(cached.Server), Tone.Amber);
            }
        }
        else if (problem != KeyCacheProblem.None)
        {
            context.Say(problem == KeyCacheProblem.NotPrivate ? text.KeyCacheNotPrivate(_cache.Path) : text.KeyCacheUnreadable(_cache.Path), Tone.Red);
        }
    }

    /// <summary>Fetches the issuer's keys (measuring the round trip) and caches them on disk.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        link.ProbeStarted();
        var (reached, keys) = await link.CallAsync((b, ct) => b.ListIssuerKeysAsync(ct), cancellationToken);
        if (!reached)
        {
            return;
        }

        var cached = CachedIssuerKeys.From(keys!, context.Options.Server, context.Time.GetUtcNow());
        Use(cached);
        try
        {
            _cache.Save(cached);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Say($"{context.Text.Error}: {e.Message}", Tone.Red);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Verifier?.Dispose();

    private void Use(CachedIssuerKeys keys)
    {
        Verifier?.Dispose();
        Verifier = new OfflineVerifier(keys, context.Time);
        context.State.KeysFetchedAt = keys.FetchedAt;
    }
}
