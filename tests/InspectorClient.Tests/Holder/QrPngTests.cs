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
    public void Decode_HugeDimensionsInASmallFile_IsRefusedBeforeDecoding()
    {
        // A few hundred bytes that declare 12000×12000 pixels: 576 MB once decoded to RGBA.
        var path = Path.Combine(_directory, "bomb.png");
        File.WriteAllBytes(path, PngDeclaring(12000, 12000));

        var refused = Assert.Throws<IOException>(() => QrImageDecoder.Decode(path));

        Assert.Contains("12000×12000", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AnimatedGif_DecodesTheFirstFrameOnly()
    {
        using var animation = new Image<Rgba32>(64, 64, new Rgba32(255, 255, 255));
        for (var i = 0; i < 4; i++)
        {
            using var frame = new Image<Rgba32>(64, 64, new Rgba32((byte)(i * 50), 0, 0));
            animation.Frames.AddFrame(frame.Frames.RootFrame);
        }

        var path = Path.Combine(_directory, "animation.gif");
        animation.SaveAsGif(path);

        using var loaded = QrImageDecoder.Load(path);

        Assert.Equal(1, loaded.Frames.Count);
    }

    /// <summary>A PNG whose header declares <paramref name="width"/>×<paramref name="height"/> 1-bit grey pixels, with a token of image data.</summary>
    private static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; // bit depth 1, colour type 0 (grey), deflate, no filter, no interlace
        Chunk(png, "IHDR", header);
        using (var data = new MemoryStream())
        {
            using (var zlib = new System.IO.Compression.ZLibStream(data, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(new byte[1 + (width + 7) / 8]); // the first row only
            }

            Chunk(png, "IDAT", data.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();

        static void Chunk(Stream stream, string type, byte[] body)
        {
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
            stream.Write(length);
            var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(body).ToArray();
            stream.Write(typed);
            var crc = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
            stream.Write(crc);
        }

        static uint Crc32(byte[] bytes)
        {
            var crc = 0xFFFFFFFFu;
            foreach (var b in bytes)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }

            return ~crc;
        }
    }

    [Fact]
    public void Decode_NotAnImage_Throws()
    {
        var path = Path.Combine(_directory, "text.png");
        File.WriteAllText(path, "not an image");

        Assert.Throws<UnknownImageFormatException>(() => QrImageDecoder.Decode(path));
    }
}
