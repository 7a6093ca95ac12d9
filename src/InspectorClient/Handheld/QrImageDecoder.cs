using SixLabors.ImageSharp;
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

    // Phone photos are 12+ megapixels; ZXing needs far fewer, and finds codes faster in a smaller image.
    private const int MaxSide = 2000;

    /// <summary>The text of the first QR code in the image, or null when there is none.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnknownImageFormatException">The file is not an image ImageSharp reads.</exception>
    /// <exception cref="InvalidImageContentException">The image data is damaged.</exception>
    public static string? Decode(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new IOException($"{path} is larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }

        using var image = Image.Load<Rgba32>(path);
        image.Mutate(x => x.AutoOrient());
        if (Math.Max(image.Width, image.Height) > MaxSide)
        {
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(MaxSide, MaxSide), Mode = ResizeMode.Max }));
        }

        return Decode(image);
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
}
