using ELicense.Inspector.Handheld;
using ELicense.Inspector.Holder;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ELicense.Inspector.Tests.Holder;

public sealed class QrPngTests : IDisposable
{
    private const string Payload = "EDL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE 6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE";

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-qr-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_ThenDecode_GivesThePayloadBack()
    {
        var path = Path.Combine(_directory, "qr.png");

        QrPng.Write(path, Payload);

        Assert.Equal(Payload, QrImageDecoder.Decode(path));
    }

    [Fact]
    public void Decode_PhotoLikeImage_RotatedScaledOnGrey_StillReads()
    {
        using var image = Image.Load<Rgba32>(QrPng.Encode(Payload, pixelsPerModule: 4));
        using var canvas = new Image<Rgba32>(900, 700, new Rgba32(200, 200, 200));
        image.Mutate(x => x.Rotate(90));
        canvas.Mutate(x => x.DrawImage(image, new Point(150, 80), 1f));
        var path = Path.Combine(_directory, "photo.jpg");
        canvas.SaveAsJpeg(path);

        Assert.Equal(Payload, QrImageDecoder.Decode(path));
    }

    [Fact]
    public void Decode_InvertedScreenshot_StillReads()
    {
        using var image = Image.Load<Rgba32>(QrPng.Encode(Payload));
        image.Mutate(x => x.Invert());
        var path = Path.Combine(_directory, "inverted.png");
        image.SaveAsPng(path);

        Assert.Equal(Payload, QrImageDecoder.Decode(path));
    }

    [Fact]
    public void Decode_ImageWithoutCode_IsNull()
    {
        using var blank = new Image<Rgba32>(200, 200, new Rgba32(255, 255, 255));
        var path = Path.Combine(_directory, "blank.png");
        blank.SaveAsPng(path);

        Assert.Null(QrImageDecoder.Decode(path));
    }

    [Fact]
    public void Decode_NotAnImage_Throws()
    {
        var path = Path.Combine(_directory, "text.png");
        File.WriteAllText(path, "not an image");

        Assert.Throws<UnknownImageFormatException>(() => QrImageDecoder.Decode(path));
    }
}
