using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Tests;

/// <summary>The freshness line's lag bound and invalidation path, on the handheld card, the one-shot views and in --json.</summary>
public sealed class FreshnessBoundTests
{
    private static Freshness Cached(InvalidationPath path) =>
        new(Samples.Fresh()) { Source = DataSource.Memory, Invalidation = path, MaxLag = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(500)) };

    [Theory]
    [InlineData(Language.English, "server memory, as of 08:29:58, 1.2s old; live updates DOWN, ≤0.5s behind")]
    [InlineData(Language.Chinese, "服务器内存，数据时间 08:29:58，已过 1.2s；实时更新中断，滞后≤0.5s")]
    public void FreshnessMarkup_FeedOnly_ShowsTheBoundInAmber(Language language, string expected)
    {
        var markup = ResultCardView.FreshnessMarkup(Cached(InvalidationPath.FeedOnly), UiText.For(language), Samples.Clock());

        Assert.Equal($"[{Palette.Amber}]{expected}[/]", markup);
    }

    [Theory]
    [InlineData(Language.English, "server memory, as of 08:29:58, 1.2s old; live updates, ≤0.5s behind")]
    [InlineData(Language.Chinese, "服务器内存，数据时间 08:29:58，已过 1.2s；实时更新，滞后≤0.5s")]
    public void FreshnessMarkup_Live_ShowsTheBoundUncoloured(Language language, string expected)
    {
        Assert.Equal(expected, ResultCardView.FreshnessMarkup(Cached(InvalidationPath.Live), UiText.For(language), Samples.Clock()));
    }

    [Fact]
    public void FreshnessMarkup_NoneAndStale_IsBoldAmberAndSaysNoUpdates()
    {
        var freshness = Cached(InvalidationPath.None);
        freshness.Stale = true;

        var markup = ResultCardView.FreshnessMarkup(freshness, UiText.English, Samples.Clock());

        Assert.StartsWith($"[bold {Palette.Amber}]", markup, StringComparison.Ordinal);
        Assert.Contains("NO updates arriving, ≤0.5s behind", markup, StringComparison.Ordinal);
    }

    [Fact]
    public void FreshnessMarkup_RegistryRead_HasNoBound()
    {
        var freshness = new Freshness(Samples.Fresh()) { Source = DataSource.Registry };

        Assert.Equal("registry, as of 08:29:58, 1.2s old", ResultCardView.FreshnessMarkup(freshness, UiText.English, Samples.Clock()));
    }

    [Fact]
    public void Freshness_OneShotFeedOnly_ShowsMaxLagAndPathInAmber()
    {
        var freshness = Cached(InvalidationPath.FeedOnly);

        var plain = Formats.Freshness(freshness, Samples.Clock());
        var markup = Formats.FreshnessMarkup(freshness, Samples.Clock());

        Assert.Equal("source: memory, as of 08:29:58, age 1.2s, max lag 0.5s (invalidation DOWN, change feed only)", plain);
        Assert.Equal($"[{Palette.Amber}]{plain}[/]", markup);
    }

    [Fact]
    public void Freshness_OneShotLive_IsNotAmber()
    {
        var freshness = Cached(InvalidationPath.Live);

        Assert.Equal("source: memory, as of 08:29:58, age 1.2s, max lag 0.5s (live invalidation)", Formats.FreshnessMarkup(freshness, Samples.Clock()));
    }

    [Fact]
    public void JsonOutput_CachedAnswer_CarriesMaxLagAndInvalidation()
    {
        var response = Samples.Verify(Verdict.Valid);
        response.Freshness = Cached(InvalidationPath.FeedOnly);

        var json = JsonOutput.Format(response);

        Assert.Contains("\"maxLag\": \"0.500s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"invalidation\": \"INVALIDATION_PATH_FEED_ONLY\"", json, StringComparison.Ordinal);
    }
}
