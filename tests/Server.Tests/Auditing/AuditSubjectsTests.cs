using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Auditing;
using ELicense.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Auditing;

public sealed class AuditSubjectsTests : IDisposable
{
    private const string Licence = "110105194912310021";
    private const string VinA = "1M8GDM9AXKP042788";

    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-audit-key-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void License_KnownKey_IsKindPrefixAndTruncatedHmacInLowercaseHex()
    {
        var expected = "L:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyA, Encoding.UTF8.GetBytes("L:" + Licence))[..16]);

        Assert.Equal(expected, new AuditSubjects(KeyA).License(Licence));
    }

    [Fact]
    public void Subjects_ManyCallsOnManyThreads_EachTheOneShotHmacOfItsValue()
    {
        // Each thread reuses its keyed HMAC: no call may see another's data or a state left over from the previous call.
        using var subjects = new AuditSubjects(KeyA);
        var values = Enumerable.Range(0, 4_000).Select(i => i % 7 == 0 ? new string('9', 300) + i : $"{Licence[..12]}{i:D6}").ToArray();

        var computed = new string[values.Length];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => computed[i] = subjects.License(values[i]));

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal("L:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyA, Encoding.UTF8.GetBytes("L:" + values[i]))[..16]), computed[i]);
        }
    }

    [Fact]
    public void Plate_KnownKey_HashesCanonicalPlateText()
    {
        var plate = new Plate { Type = PlateType.SmallNewEnergy, Number = "沪AD12345" };
        var expected = "P:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyA, Encoding.UTF8.GetBytes("P:52:沪AD12345"))[..16]);

        Assert.Equal(expected, new AuditSubjects(KeyA).Plate(plate));
    }

    [Theory]
    [InlineData(PlateType.Large, "京A12345", "01:京A12345")]
    [InlineData(PlateType.Small, "京A12345", "02:京A12345")]
    [InlineData(PlateType.LargeNewEnergy, "粤B123456", "51:粤B123456")]
    [InlineData(PlateType.SmallNewEnergy, "沪AD12345", "52:沪AD12345")]
    public void Plate_EveryPlateTypeUnderAnyCulture_HashesTheTextTrailsWereWrittenWith(PlateType type, string number, string text)
    {
        // Subjects already in trails were hashed over RegistryKeys.Plate's text ("{type:D2}:{number}"); the
        // audit now writes that text itself, and it must stay byte for byte the same, whatever the culture.
        var expected = "P:" + Convert.ToHexStringLower(HMACSHA256.HashData(KeyA, Encoding.UTF8.GetBytes("P:" + text))[..16]);
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("ar-SA");
            Assert.Equal(expected, new AuditSubjects(KeyA).Plate(new Plate { Type = type, Number = number }));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Subjects_SameKey_AreDeterministic()
    {
        var first = new AuditSubjects(KeyA);
        var second = new AuditSubjects(KeyA);

        Assert.Equal(first.License(Licence), second.License(Licence));
        Assert.Equal(first.Vin(VinA), second.Vin(VinA));
        Assert.Equal(first.Plate(new Plate { Type = PlateType.Small, Number = "京A12345" }),
            second.Plate(new Plate { Type = PlateType.Small, Number = "京A12345" }));
    }

    [Fact]
    public void Subjects_DifferentKeys_Differ()
    {
        Assert.NotEqual(new AuditSubjects(KeyA).License(Licence), new AuditSubjects(KeyB).License(Licence));
        Assert.NotEqual(new AuditSubjects(KeyA).Vin(VinA), new AuditSubjects(KeyB).Vin(VinA));
    }

    [Fact]
    public void Subjects_SameTextDifferentKinds_Differ()
    {
        var subjects = new AuditSubjects(KeyA);

        Assert.NotEqual(subjects.License(VinA)[2..], subjects.Vin(VinA)[2..]);
        Assert.NotEqual(subjects.Plate(new Plate { Type = PlateType.Small, Number = "X" })[2..], subjects.Vin("02:X")[2..]);
    }

    [Fact]
    public void Plate_SameNumberDifferentType_Differ()
    {
        var subjects = new AuditSubjects(KeyA);

        Assert.NotEqual(subjects.Plate(new Plate { Type = PlateType.Small, Number = "京A12345" }),
            subjects.Plate(new Plate { Type = PlateType.Large, Number = "京A12345" }));
    }

    [Fact]
    public void Subjects_NeverContainTheClearValue()
    {
        var subjects = new AuditSubjects(KeyA);

        var licence = subjects.License(Licence);
        var vin = subjects.Vin(VinA);
        var plate = subjects.Plate(new Plate { Type = PlateType.Small, Number = "京A12345" });

        Assert.DoesNotContain(Licence, licence, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Licence[^4..], licence, StringComparison.Ordinal); // not even a masked tail
        Assert.DoesNotContain(VinA, vin, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("京", plate, StringComparison.Ordinal);
        Assert.All(new[] { licence, vin, plate }, s => Assert.Matches("^[LPV]:[0-9a-f]{32}$", s));
    }

    [Fact]
    public void License_ValueLongerThanStackBuffer_StillDeterministic()
    {
        var subjects = new AuditSubjects(KeyA);
        var longValue = new string('京', 400);

        Assert.Equal(subjects.License(longValue), subjects.License(longValue));
        Assert.NotEqual(subjects.License(longValue), subjects.License(longValue[1..]));
    }

    [Fact]
    public void Constructor_ShortKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AuditSubjects(new byte[16]));
    }

    [Fact]
    public void Create_NoKeyConfigured_GeneratesOwnerOnlyKeyFileOnceAndReusesIt()
    {
        var options = new AuditOptions { SubjectKeyPath = Path.Combine(_directory, "sub", "key.bin") };

        var first = AuditSubjects.Create(options, NullLogger.Instance).License(Licence);
        var second = AuditSubjects.Create(options, NullLogger.Instance).License(Licence);

        Assert.Equal(first, second);
        Assert.Equal(32, new FileInfo(options.SubjectKeyPath).Length);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(options.SubjectKeyPath)!)); // no temporary left behind
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.SubjectKeyPath));
        }
    }

    [Fact]
    public void Create_ConfiguredKey_WinsOverKeyFile()
    {
        var options = new AuditOptions { SubjectKey = Convert.ToBase64String(KeyB), SubjectKeyPath = Path.Combine(_directory, "key.bin") };

        var subjects = AuditSubjects.Create(options, NullLogger.Instance);

        Assert.Equal(new AuditSubjects(KeyB).License(Licence), subjects.License(Licence));
        Assert.False(File.Exists(options.SubjectKeyPath));
    }

    [Fact]
    public void Create_KeyFileOfWrongLength_Throws()
    {
        var path = Path.Combine(_directory, "short.bin");
        File.WriteAllBytes(path, new byte[31]);

        Assert.Throws<InvalidDataException>(() => AuditSubjects.Create(new AuditOptions { SubjectKeyPath = path }, NullLogger.Instance));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Validate_BadConfiguredKey_FailsWithoutEchoingIt(string key)
    {
        var errors = new AuditOptions { SubjectKey = key }.Validate();

        var error = Assert.Single(errors);
        Assert.DoesNotContain(key, error, StringComparison.Ordinal);
    }
}
