using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// The licence claim set did not change when its reader and writer moved into <see cref="CwtClaimSet"/>:
/// a claim set written out byte by byte from RFC 8949 and a credential issued by the encoder before the
/// move (the fuzz seed) both come out of the shared code byte for byte.
/// </summary>
public sealed class CwtClaimSetGoldenTests
{
    /// <summary>
    /// {1: "ELicense", 4: 1795593780, 6: 1795593600, 7: h'000102…0f', -65537: {1: "11010519491231002X",
    /// 2: "张三 (synthetic)", 3: "C1", 4: 1, 5: 18779}}, written by hand (shortest heads, the issuer's key order).
    /// </summary>
    private const string GoldenHex =
        "a50168454c6963656e7365041a6b069634061a6b0695800750000102030405060708090a0b0c0d0e0f3a00010000"
        + "a501723131303130353139343931323331303032580272e5bca0e4b889202873796e746865746963290362433104010519495b";

    private static CredentialClaims GoldenClaims() => new(
        "ELicense",
        new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 25, 8, 3, 0, TimeSpan.Zero),
        [.. Enumerable.Range(0, 16).Select(i => (byte)i)],
        new CredentialSnapshot
        {
            LicenseNumber = "11010519491231002X",
            HolderName = "张三 (synthetic)",
            LicenseClass = "C1",
            Status = LicenseStatus.Normal,
            ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        });

    [Fact]
    public void Encode_FixedLicenceClaims_IsTheGoldenVector()
    {
        Assert.Equal(GoldenHex, Convert.ToHexStringLower(GoldenClaims().Encode()));
    }

    [Fact]
    public void TryDecode_GoldenVector_IsTheFixedClaims()
    {
        var decoded = CredentialClaims.TryDecode(Convert.FromHexString(GoldenHex));

        Assert.NotNull(decoded);
        var expected = GoldenClaims();
        Assert.Equal(expected.Snapshot, decoded.Snapshot);
        Assert.Equal((expected.Issuer, expected.IssuedAt, expected.ExpiresAt), (decoded.Issuer, decoded.IssuedAt, decoded.ExpiresAt));
        Assert.Equal(expected.TokenId, decoded.TokenId);
    }

    [Fact]
    public void Encode_ClaimsOfACredentialIssuedBeforeTheMove_ReencodeByteForByte()
    {
        // fuzz/CredentialFuzz/corpus/valid-credential.txt was issued on 2026-11-25 by the licence-only encoder
        // (with a valid-until date, the snapshot's other branch).
        var seed = File.ReadAllText(Path.Combine(RepositoryRoot(), "fuzz", "CredentialFuzz", "corpus", "valid-credential.txt")).Trim();
        var content = CoseForge.Content(seed, CredentialIssuer.Prefix);

        var claims = CredentialClaims.TryDecode(content);

        Assert.NotNull(claims);
        Assert.NotNull(claims.Snapshot.ValidUntilDate);
        Assert.Equal(Convert.ToHexStringLower(content), Convert.ToHexStringLower(claims.Encode()));
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ELicense.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ELicense.slnx above {AppContext.BaseDirectory}");
    }
}
