using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using CsCheck;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>Hostile payloads (100,000+ in all): random text, Base45, mutations and CBOR structures are verdicts, never genuine.</summary>
public sealed partial class CredentialPropertyTests
{
    // ---------------------------------------------------------------- Hostile payloads (100,000+ in all)

    [Fact]
    public void Verify_RandomText_IsAVerdictNeverGenuine()
    {
        var verifier = Pool.Verifier;
        var tally = NewTally();
        var genText = Gen.OneOf(
            Gen.String,
            Gen.String[Gen.Char, 0, 3000],
            Gen.String.Select(s => CredentialIssuer.Prefix + s),
            Gen.String[Gen.Char.AlphaNumeric, 0, 400].Select(s => CredentialIssuer.Prefix + s),
            Gen.OneOf(Gen.Const(""), Gen.Const("EDL1:"), Gen.Const("EDL1"), Gen.Const("edl1:")));
        Run("random text", 25_000, genText, text =>
        {
            var check = verifier.Verify(text);
            AssertConsistent(check, tally);
            Assert.Equal(CredentialStatus.Malformed, check.Status);
        });
        LogTally("random text", tally);
    }

    [Fact]
    public void Verify_RandomBase45_IsAVerdictNeverGenuine()
    {
        var verifier = Pool.Verifier;
        var tally = NewTally();
        var genText = Gen.OneOf(
            Gen.String[Gen.Char[Base45Alphabet], 0, 700],
            Gen.Byte.Array[0, 400].Select(bytes => Base45.Encode(bytes)));
        Run("random Base45", 25_000, genText, text =>
        {
            var check = verifier.Verify(CredentialIssuer.Prefix + text);
            AssertConsistent(check, tally);
            Assert.NotEqual(CredentialStatus.Genuine, check.Status);
        });
        LogTally("random Base45", tally);
    }

    [Fact]
    public void Verify_MutatedCredentials_GenuineOnlyWhenUntouched()
    {
        var verifier = Pool.Verifier;
        var tally = NewTally();
        Run("mutated credentials", 30_000, GenMutatedCose, t =>
        {
            var (source, bytes) = t;
            var check = verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(bytes));
            AssertConsistent(check, tally);
            // Bytes that are exactly an issued credential verify (a splice can reproduce the source or
            // another pool credential whole); any other bytes do not, re-encodings of a signed credential
            // included (Verify_ReencodedCredential_IsMalformed).
            var issued = Pool.Credentials.Any(c => c.Cose.AsSpan().SequenceEqual(bytes));
            Assert.Equal(issued, check.Status == CredentialStatus.Genuine);
        }, print: t => CredentialIssuer.Prefix + Base45.Encode(t.Bytes));
        LogTally("mutated credentials", tally);
    }

    [Fact]
    public void Verify_MutatedQrText_GenuineOnlyWhenUntouched()
    {
        var verifier = Pool.Verifier;
        var tally = NewTally();
        var gen = from source in Gen.Int[0, Pool.Credentials.Length - 1].Select(i => Pool.Credentials[i])
                  from kind in Gen.Int[0, 3]
                  from position in Gen.Int[0, source.Payload.Length]
                  from c in Gen.Frequency((4, Gen.Char[Base45Alphabet]), (1, Gen.Char))
                  select (source, Mutate(source.Payload, kind, position, c));
        Run("mutated QR text", 10_000, gen, t =>
        {
            var (source, text) = t;
            var check = verifier.Verify(text);
            AssertConsistent(check, tally);
            Assert.Equal(string.Equals(text, source.Payload, StringComparison.Ordinal), check.Status == CredentialStatus.Genuine);
        }, print: t => t.Item2);
        LogTally("mutated QR text", tally);

        static string Mutate(string s, int kind, int position, char c) => kind switch
        {
            0 => s[..position] + c + s[position..],                                     // insert
            1 when position < s.Length => s[..position] + s[(position + 1)..],          // delete
            2 when position < s.Length => s[..position] + c + s[(position + 1)..],      // replace
            _ => s[..position],                                                         // truncate
        };
    }

    [Fact]
    public void Verify_RandomCborStructures_IsAVerdictNeverGenuine()
    {
        var verifier = Pool.Verifier;
        var tally = NewTally();
        Run("random CBOR", 20_000, GenCborPayload, bytes =>
        {
            var check = verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(bytes));
            AssertConsistent(check, tally);
            Assert.NotEqual(CredentialStatus.Genuine, check.Status);
        }, print: bytes => CredentialIssuer.Prefix + Base45.Encode(bytes));
        LogTally("random CBOR", tally);
    }

    [Fact]
    public void Verify_ReencodedCredential_IsMalformed()
    {
        // COSE_Sign1 signs the protected header and the content, not the outer encoding. Dropping tag 18
        // (RFC 9052 allows the untagged form) or adding an unprotected header would change the QR text
        // and still verify; the verifier accepts only the issuer's canonical form instead.
        var source = Pool.Credentials[0];
        var untagged = source.Cose[1..];
        Assert.Equal(0xD2, source.Cose[0]);
        var withUnprotected = (byte[])source.Cose.Clone();
        var unprotectedAt = Array.IndexOf(withUnprotected, (byte)0xA0, 2); // the empty unprotected map
        withUnprotected = [.. withUnprotected[..unprotectedAt], 0xA1, 0x20, 0x00, .. withUnprotected[(unprotectedAt + 1)..]]; // {-1: 0}

        foreach (var variant in new[] { untagged, withUnprotected })
        {
            Assert.Equal(CredentialStatus.Malformed, Pool.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(variant)).Status);
        }
    }

    [Fact]
    public void IsCanonical_AgreesWithTheLibrarysReencoding()
    {
        // The canonical-form check compares the scanned bytes with the encoding it expects instead of
        // asking the library to encode the message again; both must accept exactly the same bytes.
        int decoded = 0, canonical = 0;
        var gen = Gen.OneOf(GenMutatedCose.Select(t => t.Bytes), GenCborPayload, GenSign1Encoding);
        Run("canonical check against re-encoding", 40_000, gen, bytes =>
        {
            CoseSign1Message message;
            try
            {
                message = CoseMessage.DecodeSign1(bytes);
            }
            catch (Exception e) when (e is CryptographicException or CborContentException or OverflowException or InvalidOperationException)
            {
                return;
            }

            if (message.Content is null)
            {
                return;
            }

            var reencodes = bytes[0] == 0xD2 && message.UnprotectedHeaders.Count == 0 && message.Encode().AsSpan().SequenceEqual(bytes);
            Interlocked.Increment(ref decoded);
            if (reencodes)
            {
                Interlocked.Increment(ref canonical);
            }

            Assert.Equal(reencodes, CoseCanonicalForm.IsCanonical(message, bytes));
        }, print: Convert.ToHexString);
        Log($"decoded {decoded:N0}, of which canonical {canonical:N0}");
        Assert.True(canonical > 2_000 && decoded - canonical > 2_000, $"too few cases of one kind: {canonical:N0} of {decoded:N0}");
    }
}
