using ELicense.Bench;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench.Tests;

public sealed class BenchKeysTests
{
    [Fact]
    public void Parse_EveryKind_TellsThemApartByShape()
    {
        const string text = """
            # licences
            11010119900307803x

            京A12345 02
            沪AD12345,52
            粤B0001F	large-ne
            LSVAM4187C2184847
            """;

        var keys = BenchKeys.Parse(new StringReader(text), "keys.txt");

        Assert.Equal(["11010119900307803X"], keys.Licenses);
        Assert.Equal(
            [new Plate { Number = "京A12345", Type = PlateType.Small }, new Plate { Number = "沪AD12345", Type = PlateType.SmallNewEnergy },
             new Plate { Number = "粤B0001F", Type = PlateType.LargeNewEnergy }],
            keys.Plates);
        Assert.Equal(["LSVAM4187C2184847"], keys.Vins);
    }

    [Fact]
    public void Parse_UnknownLine_NamesTheFileAndLine()
    {
        var error = Assert.Throws<UsageException>(() => BenchKeys.Parse(new StringReader("11010119900307803X\nhello world\n"), "keys.txt"));

        Assert.StartsWith("keys.txt, line 2: not a key.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_IsAUsageError()
    {
        var error = Assert.Throws<UsageException>(() => BenchKeys.Load("/nonexistent/keys.txt"));

        Assert.StartsWith("cannot read --keys file \"/nonexistent/keys.txt\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shuffled_SameSeed_SamePermutationOfTheSameKeys()
    {
        var keys = Enumerable.Range(0, 100).ToArray();

        var first = BenchKeys.Shuffled(keys, 5);
        var again = BenchKeys.Shuffled(keys, 5);

        Assert.Equal(first, again);
        Assert.NotEqual(keys, first);
        Assert.Equal(keys, first.Order());
    }

    [Fact]
    public void Build_WorkloadWithoutItsKeys_SaysWhichKeysAreMissing()
    {
        var keys = new BenchKeys(["11010119900307803X"], [], []);
        Assert.True(WorkloadMix.TryParse("license=1,vehicle=1", out var mix, out _));

        var error = Assert.Throws<UsageException>(() => BenchRequests.Build(keys, mix, 1, LookupPurpose.RoadsideCheck, violationsByPlate: false));

        Assert.Equal("vehicle needs plates or VINs in the --keys file, and it holds none.", error.Message);
    }
}
