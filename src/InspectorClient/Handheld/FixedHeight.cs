using Spectre.Console.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>Renders its child as if the console were <paramref name="height"/> rows tall (a layout fills exactly that).</summary>
public sealed class FixedHeight(IRenderable child, int height) : Renderable
{
    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth) => child.Measure(options with { Height = height }, maxWidth);

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => child.Render(options with { Height = height }, maxWidth);
}

/// <summary>Renders its child at its natural height inside a fixed-height region (a panel would otherwise stretch to fill it).</summary>
public sealed class NaturalHeight(IRenderable child) : Renderable
{
    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth) => child.Measure(options with { Height = null }, maxWidth);

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => child.Render(options with { Height = null }, maxWidth);
}
