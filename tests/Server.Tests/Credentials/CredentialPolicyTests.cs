using System.Security.Cryptography;
using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>The policy the server's decoder applies, and what ListIssuerKeys publishes of it for the handheld.</summary>
public sealed class CredentialPolicyTests
{
    private static readonly CredentialPolicy Default = new CredentialOptions().LicensePolicy();

    [Fact]
    public void LicensePolicy_DefaultOptions_IsTheContractsDefaults()
    {
        Assert.Equal(new CredentialPolicy(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30), "ELicense"), Default);
        Assert.Null(Default.Problem());
    }

    [Fact]
    public void Verifier_ConfiguredOptions_AppliesThem()
    {
        using var kit = new CredentialTestKit();
        var options = new CredentialOptions { Issuer = "elicense.example", MaxPayloadLength = 4096, MaxLifetime = TimeSpan.FromMinutes(20), MaxClockSkew = TimeSpan.FromSeconds(5) };

        var verifier = new CredentialVerifier(kit.Ring, Microsoft.Extensions.Options.Options.Create(options), kit.Time);

        Assert.Equal(options.LicensePolicy(), verifier.Policy);
        Assert.Equal("elicense.example", verifier.Policy.Issuer);
    }

    [Theory]
    [InlineData(CredentialDocumentType.Unspecified, "EDL1:", 2048, 600, 30, "ELicense", "names no document type")]
    [InlineData(CredentialDocumentType.DrivingLicense, "", 2048, 600, 30, "ELicense", "has no usable prefix")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 63, 600, 30, "ELicense", "maximum payload length")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 8193, 600, 30, "ELicense", "maximum payload length")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 0, 30, "ELicense", "maximum lifetime")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 86401, 30, "ELicense", "maximum lifetime")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 600, 31, "ELicense", "clock skew")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 600, -1, "ELicense", "clock skew")]
    [InlineData(CredentialDocumentType.DrivingLicense, "EDL1:", 2048, 600, 30, "", "names no issuer")]
    public void Problem_ValueOutOfBounds_IsNamedAndRefusedByTheDecoder(CredentialDocumentType type, string prefix, int length, int lifetime, int skew, string issuer, string expected)
    {
        using var kit = new CredentialTestKit();
        var policy = new CredentialPolicy(type, prefix, length, TimeSpan.FromSeconds(lifetime), TimeSpan.FromSeconds(skew), issuer);

        Assert.Contains(expected, policy.Problem(), StringComparison.Ordinal);
        var refused = Assert.Throws<ArgumentException>(() => new CredentialDecoder<CredentialClaims>(LicenseDocument.Instance, policy, kit.Ring, kit.Time));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkPolicy_DefaultOptions_IsTheMarksDefaults()
    {
        var mark = new CredentialOptions().MarkPolicy();

        Assert.Equal(new CredentialPolicy(CredentialDocumentType.InspectionMark, "EVM1:", 2048, TimeSpan.FromDays(823), TimeSpan.FromSeconds(30), "ELicense"), mark);
        Assert.Null(mark.Problem());
    }

    [Theory]
    [InlineData(CredentialDocumentType.DrivingLicense, 86400, true)]            // 24 h: the licence's bound
    [InlineData(CredentialDocumentType.DrivingLicense, 86401, false)]
    [InlineData(CredentialDocumentType.DrivingLicense, 823 * 86400, false)]     // a mark's lifetime on a licence policy
    [InlineData(CredentialDocumentType.InspectionMark, 823 * 86400, true)]
    [InlineData(CredentialDocumentType.InspectionMark, 1096 * 86400, true)]     // three years and a day: the mark's bound
    [InlineData(CredentialDocumentType.InspectionMark, 1096 * 86400 + 1, false)]
    [InlineData(CredentialDocumentType.Unspecified, 600, false)]
    public void Problem_LifetimeAgainstTheTypesBound_AllowsOnlyUpToLifetimeBoundFor(CredentialDocumentType type, long lifetimeSeconds, bool usable)
    {
        var policy = new CredentialPolicy(type, "EVM1:", 2048, TimeSpan.FromSeconds(lifetimeSeconds), TimeSpan.FromSeconds(30), "ELicense");

        Assert.Equal(usable, policy.Problem() is null);
        Assert.Equal(type switch
        {
            CredentialDocumentType.DrivingLicense => TimeSpan.FromHours(24),
            CredentialDocumentType.InspectionMark => TimeSpan.FromDays(3 * 365 + 1),
            _ => TimeSpan.Zero,
        }, CredentialPolicy.LifetimeBoundFor(type));
    }

    [Theory]
    [InlineData(0.5, false)]
    [InlineData(1, true)]
    [InlineData(823, true)]
    [InlineData(1096, true)]
    [InlineData(1097, false)]
    public void Validate_MarkMaxLifetime_IsBetweenADayAndTheMarksBound(double days, bool valid)
    {
        var options = new CredentialOptions { MarkMaxLifetime = TimeSpan.FromDays(days) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Contains(nameof(CredentialOptions.MarkMaxLifetime), e.MemberNames));
    }

    [Fact]
    public void Create_ConfiguredOptions_PublishesEveryKeyAndThePolicy()
    {
        using var retiredKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var retired = RingKey.FromPublicKey(retiredKey, notAfter: CredentialTestKit.Start);
        using var kit = new CredentialTestKit(retired);
        var options = new CredentialOptions { Issuer = "elicense.example", MaxPayloadLength = 4096, MaxLifetime = TimeSpan.FromMinutes(20), MaxClockSkew = TimeSpan.FromSeconds(5) };

        var response = IssuerKeysPublication.Create(kit.Ring, options.LicensePolicy());

        Assert.Equal("elicense.example", response.Issuer);
        Assert.Equal(5, response.MaxClockSkewSeconds);
        var policy = Assert.Single(response.DocumentPolicies);
        Assert.Equal(CredentialDocumentType.DrivingLicense, policy.DocumentType);
        Assert.Equal("EDL1:", policy.Prefix);
        Assert.Equal(4096, policy.MaxPayloadLength);
        Assert.Equal(1200, policy.MaxLifetimeSeconds);
        Assert.Equal([kit.SigningKey.KeyIdHex, retired.KeyIdHex], response.Keys.Select(k => k.KeyId));
        Assert.Equal([true, false], response.Keys.Select(k => k.Signing));
        Assert.Equal(Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(CredentialTestKit.Start), response.Keys[1].NotAfterTime);
    }

    [Fact]
    public void TryGetKey_KeyRing_FindsByKidAndRefusesOtherLengths()
    {
        using var kit = new CredentialTestKit();
        Assert.True(Find(kit.Ring, kit.SigningKey.KeyId, out var found));
        Assert.Same(kit.SigningKey, found);
        Assert.False(Find(kit.Ring, kit.SigningKey.KeyId.AsSpan(0, 7), out _));
        Assert.False(Find(kit.Ring, [.. kit.SigningKey.KeyId, 0], out _));

        // Through the interface, as the decoder calls it.
        static bool Find(IIssuerKeySource source, ReadOnlySpan<byte> kid, out IVerificationKey key) => source.TryGetKey(kid, out key);
    }
}
