using System.Diagnostics;
using System.Security.Cryptography.Cose;
using CsCheck;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>Issue-then-verify properties: claims kept, window edges, low-S only, bit flips never genuine.</summary>
public sealed partial class CredentialPropertyTests
{
    // ---------------------------------------------------------------- Issue and verify

    [Fact]
    public void IssueThenVerify_AnyLicenceLifetimeAndTimeInWindow_IsGenuineWithSameClaims()
    {
        using var kit = new CredentialTestKit();
        var gen = Gen.Select(GenLicense, GenIssueTime, GenLifetime, Gen.Double.Unit);
        Run("issue -> verify inside the window", 2_000, gen, t =>
        {
            var (license, issueTime, lifetime, position) = t;
            var issued = IssueAt(kit, license, issueTime, lifetime);
            var iat = DateTimeOffset.FromUnixTimeSeconds(issueTime.ToUnixTimeSeconds());
            Assert.Equal(iat, issued.IssuedAt);
            Assert.Equal(iat.AddSeconds(Math.Ceiling(lifetime.TotalSeconds)), issued.ExpiresAt);

            // Any tick of [iat - skew, exp + skew], both ends included; the ends themselves often.
            var first = issued.IssuedAt - Skew;
            var span = issued.ExpiresAt + Skew - first;
            var offset = position switch
            {
                < 0.05 => TimeSpan.Zero,
                > 0.95 => span,
                _ => TimeSpan.FromTicks((long)(span.Ticks * position)),
            };
            var check = VerifyAt(kit, issued.QrPayload, first + offset);

            Assert.Equal(CredentialStatus.Genuine, check.Status);
            Assert.NotNull(check.Claims);
            Assert.Equal(SnapshotOf(license), check.Claims.Snapshot);
            Assert.Equal(issued.IssuedAt, check.Claims.IssuedAt);
            Assert.Equal(issued.ExpiresAt, check.Claims.ExpiresAt);
            Assert.Equal(issued.TokenIdHex, Convert.ToHexStringLower(check.Claims.TokenId));
            Assert.Same(kit.SigningKey, check.Key);
        });
    }

    [Fact]
    public void IssueThenVerify_JustOutsideTheWindow_IsExpiredOrNotYetValid()
    {
        using var kit = new CredentialTestKit();
        var gen = Gen.Select(GenLicense, GenIssueTime, GenLifetime, Gen.Long[1, TimeSpan.TicksPerHour]);
        Run("issue -> verify outside the window", 2_000, gen, t =>
        {
            var (license, issueTime, lifetime, ticks) = t;
            var issued = IssueAt(kit, license, issueTime, lifetime);

            var late = VerifyAt(kit, issued.QrPayload, issued.ExpiresAt + Skew + TimeSpan.FromTicks(1));
            Assert.Equal(CredentialStatus.Expired, late.Status);
            Assert.Equal(CredentialStatus.Expired, VerifyAt(kit, issued.QrPayload, issued.ExpiresAt + Skew + TimeSpan.FromTicks(ticks)).Status);
            Assert.Equal(SnapshotOf(license), late.Claims?.Snapshot);

            var early = VerifyAt(kit, issued.QrPayload, issued.IssuedAt - Skew - TimeSpan.FromTicks(1));
            Assert.Equal(CredentialStatus.NotYetValid, early.Status);
            Assert.Equal(CredentialStatus.NotYetValid, VerifyAt(kit, issued.QrPayload, issued.IssuedAt - Skew - TimeSpan.FromTicks(ticks)).Status);
        });
    }

    [Fact]
    public void Issue_AnyLicenceAndLifetime_IsLowSAndItsHighSTwinIsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        Run("issue -> low-S, twin refused", 2_000, Gen.Select(GenLicense, GenIssueTime, GenLifetime), t =>
        {
            var (license, issueTime, lifetime) = t;
            var issued = IssueAt(kit, license, issueTime, lifetime);
            var cose = DecodeCose(issued.QrPayload);
            var signature = CoseMessage.DecodeSign1(cose).Signature.ToArray();
            Assert.Equal(cose[^64..], signature); // the signature is the message's last 64 bytes, as the issuer assumes
            Assert.True(EcdsaLowS.IsLowS(signature), Convert.ToHexStringLower(signature));

            // The twin (r, n - s) is a valid ECDSA signature of the same message — that is the malleability —
            // and the verifier still refuses it, as a verdict.
            EcdsaLowS.Twin(cose.AsSpan(cose.Length - 64));
            Assert.True(CoseMessage.DecodeSign1(cose).VerifyEmbedded(kit.SigningKey.Verifier));
            var twin = VerifyAt(kit, CredentialIssuer.Prefix + Base45.Encode(cose), issued.IssuedAt);
            Assert.Equal(CredentialStatus.SignatureInvalid, twin.Status);
            Assert.Null(twin.Claims);
        });
    }

    [Fact]
    public void Verify_EverySingleBitFlipOfTheCose_NeverGenuine()
    {
        using var kit = new CredentialTestKit();
        var cases = 0;
        var tally = NewTally();
        var stopwatch = Stopwatch.StartNew();
        // Exhaustive over every bit of a handful of generated credentials (with and without valid-until).
        Gen.Select(GenLicense, GenLifetime).Sample(t =>
        {
            var (license, lifetime) = t;
            var issued = IssueAt(kit, license, CredentialTestKit.Start, lifetime);
            var cose = DecodeCose(issued.QrPayload);
            Assert.Equal(CredentialStatus.Genuine, kit.Verifier.Verify(issued.QrPayload).Status);
            for (var bit = 0; bit < cose.Length * 8; bit++)
            {
                var flipped = (byte[])cose.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                var check = kit.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(flipped));
                AssertConsistent(check, tally);
                Assert.True(check.Status != CredentialStatus.Genuine, $"bit {bit} (byte {bit / 8}) flipped is still Genuine");
                Interlocked.Increment(ref cases);
            }
        }, iter: 8, writeLine: Log);
        Log($"single-bit flips: {cases:N0} cases in {stopwatch.Elapsed.TotalSeconds:F2} s");
        LogTally("single-bit flips", tally);
        Assert.True(cases > 8 * 150 * 8, $"only {cases} bit flips");
    }
}
