using QRCoder;

namespace ELicense.Inspector.Holder;

/// <summary>A QR code as a PNG image, drawn by QRCoder without any imaging library.</summary>
public static class QrPng
{
    /// <summary>Pixels per module: a 2048-character payload still fits a phone screen; a scanner reads it from paper.</summary>
    public const int PixelsPerModule = 8;

    /// <summary>The PNG bytes of <paramref name="payload"/> at error correction M (as the terminal drawing), quiet zone included.</summary>
    public static byte[] Encode(string payload, int pixelsPerModule = PixelsPerModule)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(pixelsPerModule);
    }

    /// <summary>Writes the PNG next to <paramref name="path"/> and moves it into place, so that a viewer never reads half a file.</summary>
    public static void Write(string path, string payload)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllBytes(temporary, Encode(payload));
        File.Move(temporary, full, overwrite: true);
    }
}
