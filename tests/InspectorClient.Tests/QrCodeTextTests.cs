using ELicense.Inspector.Rendering;

namespace ELicense.Inspector.Tests;

public sealed class QrCodeTextTests
{
    private const string Payload = "EDL1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE";

    [Fact]
    public void Modules_Payload_HasQuietZoneAndFinderPattern()
    {
        var modules = QrCodeText.Modules(Payload);
        var size = modules.GetLength(0);

        // 4 light modules of quiet zone on every side.
        for (var i = 0; i < size; i++)
        {
            for (var q = 0; q < 4; q++)
            {
                Assert.False(modules[q, i]);
                Assert.False(modules[i, q]);
                Assert.False(modules[size - 1 - q, i]);
                Assert.False(modules[i, size - 1 - q]);
            }
        }

        // Top-left finder: a dark 7×7 ring starting right after the quiet zone.
        for (var i = 4; i < 11; i++)
        {
            Assert.True(modules[4, i]);
            Assert.True(modules[10, i]);
        }
    }

    [Fact]
    public void Lines_InkIsDark_TwoModuleRowsPerLineAndBlankQuietZone()
    {
        var modules = QrCodeText.Modules(Payload);
        var size = modules.GetLength(0);

        var lines = QrCodeText.Lines(modules, inkIsDark: true);

        Assert.Equal((size + 1) / 2, lines.Count);
        Assert.All(lines, l => Assert.Equal(size, l.Length));
        Assert.Equal(new string(' ', size), lines[0]);
        Assert.Equal(new string(' ', size), lines[1]);
        // Module rows 4 and 5: finder top edge (dark) over finder inner ring (light at columns 5..9).
        Assert.Equal("█▀▀▀▀▀█", lines[2].Substring(4, 7));
    }

    [Fact]
    public void Lines_InkIsLight_IsTheInverse()
    {
        var modules = QrCodeText.Modules(Payload);

        var dark = QrCodeText.Lines(modules, inkIsDark: true);
        var light = QrCodeText.Lines(modules, inkIsDark: false);

        Assert.Equal(new string('█', modules.GetLength(0)), light[0]);
        Assert.Equal(" ▄▄▄▄▄ ", light[2].Substring(4, 7));
        Assert.Equal(dark.Count, light.Count);
    }
}
