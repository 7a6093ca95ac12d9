using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ZXing;
using ZXing.Common;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// Finds the QR code in a photo or screenshot (PNG, JPEG, GIF, BMP, TIFF, WebP) with ZXing; the image is
/// decoded by ImageSharp, fully managed, so nothing native is needed on a handheld.
/// </summary>
public static class QrImageDecoder
{
    /// <summary>Larger files are refused unread: no photo of a QR code needs more.</summary>
    public const long MaxFileBytes = 32L * 1024 * 1024;

    /// <summary>
    /// Larger images are refused before their pixels are decoded (200 MB as RGBA): a file of a few hundred
    /// bytes can declare billions of pixels. A 48-megapixel phone photo (8000×6000) still passes.
    /// </summary>
    public const long MaxPixels = 50_000_000;

    // Phone photos are 12+ megapixels; ZXing needs far fewer, and finds codes faster in a smaller image.
    private const int MaxSide = 2000;

    // Only the first frame of an animation or of a multi-page file: one picture holds the code.
    private static readonly Configuration FirstFrameOnly = CreateConfiguration();

    /// <summary>The text of the first QR code in the image, or null when there is none.</summary>
    /// <exception cref="IOException">The file cannot be read, or is too large in bytes or pixels.</exception>
    /// <exception cref="UnknownImageFormatException">The file is not an image ImageSharp reads.</exception>
    /// <exception cref="InvalidImageContentException">The image data is damaged.</exception>
    public static string? Decode(string path)
    {
        using var image = Load(path);
        return Decode(image);
    }

    /// <summary>The image at <paramref name="path"/>, first frame only, upright, at most 2000 pixels a side.</summary>
    /// <exception cref="IOException">The file cannot be read, or is too large in bytes or pixels.</exception>
    /// <exception cref="UnknownImageFormatException">The file is not an image ImageSharp reads.</exception>
    /// <exception cref="InvalidImageContentException">The image data is damaged.</exception>
    public static Image<Rgba32> Load(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new IOException($"{path} is larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }

        // The header alone first: the size it declares decides whether the pixels are decoded at all.
        var header = Image.Identify(FirstFrameOnly, path, out _) ?? throw new UnknownImageFormatException($"{path} is not an image in a known format");
        if ((long)header.Width * header.Height > MaxPixels)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"{path} is {header.Width}×{header.Height} pixels, more than {MaxPixels / 1_000_000} megapixels"));
        }

        var image = Image.Load<Rgba32>(FirstFrameOnly, path);
        try
        {
            image.Mutate(x => x.AutoOrient());
            if (Math.Max(image.Width, image.Height) > MaxSide)
            {
                image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(MaxSide, MaxSide), Mode = ResizeMode.Max }));
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>The text of the first QR code in an image already in memory, or null.</summary>
    public static string? Decode(Image<Rgba32> image)
    {
        var pixels = new byte[image.Width * image.Height * 4];
        image.CopyPixelDataTo(pixels);
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions
            {
                PossibleFormats = [BarcodeFormat.QR_CODE],
                TryHarder = true,
                // A terminal screenshot without colours draws the code light-on-dark.
                TryInverted = true,
            },
        };
        return reader.Decode(pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32)?.Text;
    }

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
