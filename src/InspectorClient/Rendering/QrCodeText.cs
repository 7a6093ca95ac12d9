using System.Text;
using QRCoder;

namespace ELicense.Inspector.Rendering;

/// <summary>
/// Draws a QR code with half-block characters: one text row holds two module rows. The module matrix
/// includes QRCoder's 4-module quiet zone.
/// </summary>
public static class QrCodeText
{
    private const char Both = '█';
    private const char Top = '▀';
    private const char Bottom = '▄';
    private const char Neither = ' ';

    /// <summary>The module matrix of <paramref name="payload"/> at error correction level M; true is dark.</summary>
    public static bool[,] Modules(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var size = data.ModuleMatrix.Count;
        var modules = new bool[size, size];
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                modules[row, column] = data.ModuleMatrix[row][column];
            }
        }

        return modules;
    }

    /// <summary>
    /// The text rows. With <paramref name="inkIsDark"/> the glyphs' ink draws the dark modules (for
    /// dark-on-light output, e.g. black text on a white background); without it the ink draws the light
    /// modules (for a plain terminal with light text on a dark background).
    /// </summary>
    public static IReadOnlyList<string> Lines(bool[,] modules, bool inkIsDark)
    {
        var size = modules.GetLength(0);
        var lines = new List<string>((size + 1) / 2);
        for (var row = 0; row < size; row += 2)
        {
            var builder = new StringBuilder(size);
            for (var column = 0; column < size; column++)
            {
                var top = modules[row, column] == inkIsDark;
                // Past the last row is quiet zone: light.
                var bottom = (row + 1 < size ? modules[row + 1, column] : false) == inkIsDark;
                builder.Append((top, bottom) switch
                {
                    (true, true) => Both,
                    (true, false) => Top,
                    (false, true) => Bottom,
                    _ => Neither,
                });
            }

            lines.Add(builder.ToString());
        }

        return lines;
    }
}
