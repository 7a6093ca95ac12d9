using System.Diagnostics;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using CsCheck;
using ELicense.Server.Credentials;
using ELicense.Server.Validation;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using ELicense.Core.Credentials;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;
using CredentialCheck = ELicense.Core.Credentials.CredentialCheck<ELicense.Core.Credentials.CredentialClaims>;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// Property-based tests (CsCheck) of Base45 and the credential verifier. A failing property prints a
/// CsCheck seed ("Set seed: ... to reproduce"); pass it as <c>seed:</c> or set the environment variable
/// CsCheck_Seed to replay exactly that case. Every property writes its case count and run time to the
/// test output.
/// </summary>
public sealed class CredentialPropertyTests
{
    private const string Base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    // ---------------------------------------------------------------- Base45

    [Fact]
    public void Base45_EncodeThenDecode_ReturnsTheBytes()
    {
        Run("Base45 round trip", 20_000, Gen.Byte.Array[0, 600], data =>
        {
            var encoded = Base45.Encode(data);
            Assert.Equal(Base45.GetEncodedLength(data.Length), encoded.Length);
            Assert.True(encoded.All(c => Base45Alphabet.Contains(c, StringComparison.Ordinal)), encoded);
            var buffer = new byte[Base45.GetMaxDecodedLength(encoded.Length)];
            Assert.True(Base45.TryDecode(encoded, buffer, out var written));
            Assert.Equal(data, buffer[..written]);
        });
    }

    [Fact]
    public void Base45_TryDecodeOverAlphabet_FalseOrCanonicalAndMatchesReference()
    {
        // Mostly large digits ('Z' and above) so that groups over 0xFFFF / 0xFF are common, not rare.
        var genChar = Gen.Frequency((3, Gen.Char[Base45Alphabet]), (1, Gen.Char[Base45Alphabet[^10..]]));
        Run("Base45 decode, alphabet strings", 20_000, Gen.String[genChar, 0, 300], text =>
        {
            var decoded = AssertDecodeIsCanonical(text);
            Assert.Equal(ReferenceIsValidBase45(text), decoded);
        });
    }

    [Fact]
    public void Base45_TryDecodeAnyString_FalseOrCanonicalNeverThrows()
    {
        // Any UTF-16 text (lone surrogates included), and alphabet text with foreign characters mixed in.
        var genMixed = Gen.String[Gen.Frequency((20, Gen.Char[Base45Alphabet]), (1, Gen.Char)), 0, 300];
        Run("Base45 decode, any strings", 20_000, Gen.OneOf(Gen.String, genMixed), text =>
        {
            var decoded = AssertDecodeIsCanonical(text);
            Assert.Equal(ReferenceIsValidBase45(text), decoded);
        });
    }

    /// <summary>Decodes <paramref name="text"/>; when it decodes, the bytes must re-encode to the same text.</summary>
    private static bool AssertDecodeIsCanonical(string text)
    {
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, buffer, out var written))
        {
            Assert.Equal(0, written);
            return false;
        }

        Assert.Equal(buffer.Length, written);
        Assert.Equal(text, Base45.Encode(buffer.AsSpan(0, written)));
        return true;
    }

    /// <summary>RFC 9285 validity written independently of the decoder under test.</summary>
    private static bool ReferenceIsValidBase45(string text)
    {
        if (text.Length % 3 == 1)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i += 3)
        {
            var group = text.Substring(i, Math.Min(3, text.Length - i));
            long value = 0, weight = 1;
            foreach (var c in group)
            {
                var digit = Base45Alphabet.IndexOf(c, StringComparison.Ordinal);
                if (digit < 0)
                {
                    return false;
                }

                value += digit * weight;
                weight *= 45;
            }

            if (value > (group.Length == 3 ? 0xFFFF : 0xFF))
            {
                return false;
            }
        }

        return true;
    }

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

    // ---------------------------------------------------------------- Generators

    private static readonly Gen<string> GenLicenseNumber =
        from area in Gen.Int[110000, 659999]
        from birth in Gen.Int[new DateOnly(1930, 1, 1).DayNumber, new DateOnly(2008, 12, 31).DayNumber]
        from sequence in Gen.Int[0, 999]
        let first17 = $"{area:D6}{DateOnly.FromDayNumber(birth):yyyyMMdd}{sequence:D3}"
        select first17 + IdentityNumber.ComputeCheckCharacter(first17);

    /// <summary>One "character" of a name: CJK (BMP and supplementary plane), Latin, or the middle dot of transliterated names.</summary>
    private static readonly Gen<string> GenNameElement = Gen.Frequency(
        (10, Gen.Char['\u4E00', '\u9FA5'].Select(c => c.ToString())),
        (2, Gen.Int[0x20000, 0x2A6DF].Select(char.ConvertFromUtf32)),
        (3, Gen.Char.AlphaNumeric.Select(c => c.ToString())),
        (1, Gen.Const("·")));

    private static readonly Gen<string> GenName = GenNameElement.Array[1, 20].Select(parts => string.Concat(parts));

    private static readonly Gen<string> GenLicenseClass = Gen.Frequency(
        (3, Gen.OneOf([.. LicenseClasses.All])),
        (1, Gen.Shuffle(LicenseClasses.All.ToArray(), 2, 3).Select(string.Concat)));

    private static readonly Gen<LicenseStatus> GenStatus = Gen.Frequency(
        (10, Gen.Enum<LicenseStatus>()),
        (1, Gen.Int[-1000, 1000].Select(i => (LicenseStatus)i))); // unknown values round-trip too

    private static readonly Gen<Google.Type.Date> GenDate =
        Gen.Int[new DateOnly(1990, 1, 1).DayNumber, new DateOnly(2060, 12, 31).DayNumber]
            .Select(day => DateOnly.FromDayNumber(day).ToProtoDate());

    private static readonly Gen<License> GenLicense =
        Gen.Select(GenLicenseNumber, GenName, GenLicenseClass, GenStatus, GenDate, GenDate.Null(), (number, name, licenseClass, status, from, until) =>
            new License
            {
                LicenseNumber = number,
                HolderName = name,
                LicenseClass = licenseClass,
                Status = status,
                ValidFromDate = from,
                ValidUntilDate = until,
            });

    /// <summary>Any instant (with sub-second ticks) in 2000-2090.</summary>
    private static readonly Gen<DateTimeOffset> GenIssueTime =
        Gen.Long[new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks, new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks]
            .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    /// <summary>1 s to 10 min (the default maximum), to the tick.</summary>
    private static readonly Gen<TimeSpan> GenLifetime = Gen.Frequency(
        (8, Gen.Long[TimeSpan.TicksPerSecond, TimeSpan.FromMinutes(10).Ticks].Select(TimeSpan.FromTicks)),
        (1, Gen.OneOf(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10))));

    /// <summary>A credential of the pool, mutated: bit flips, insertions, deletions, truncation, or a splice of two credentials.</summary>
    private static readonly Gen<(PoolCredential Source, byte[] Bytes)> GenMutatedCose =
        from source in Gen.Int[0, PoolSize - 1].Select(i => Pool.Credentials[i])
        from other in Gen.Int[0, PoolSize - 1].Select(i => Pool.Credentials[i])
        from kind in Gen.Int[0, 4]
        from count in Gen.Int[1, 4]
        from positions in Gen.Int.Uniform.Array[count]
        from values in Gen.Byte.Array[count]
        select (source, Mutate(source.Cose, other.Cose, kind, positions, values));

    private static byte[] Mutate(byte[] cose, byte[] other, int kind, int[] positions, byte[] values)
    {
        var bytes = new List<byte>(cose);
        for (var i = 0; i < positions.Length; i++)
        {
            var p = (int)((uint)positions[i] % (uint)(bytes.Count + 1));
            switch (kind)
            {
                case 0 when p < bytes.Count: // flip one bit
                    bytes[p] ^= (byte)(1 << (values[i] % 8));
                    break;
                case 1: // insert a byte
                    bytes.Insert(p, values[i]);
                    break;
                case 2 when p < bytes.Count: // delete a byte
                    bytes.RemoveAt(p);
                    break;
                case 3: // truncate
                    return [.. bytes.Take(p)];
                case 4: // splice: the head of one credential on the tail of another
                    var q = (int)((uint)positions[(i + 1) % positions.Length] % (uint)(other.Length + 1));
                    return [.. bytes.Take(p), .. other.Skip(q)];
                default: // a position past the end for flips and deletions: overwrite the last byte instead
                    if (bytes.Count > 0)
                    {
                        bytes[^1] = values[i];
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A random CBOR value: ints, text, bytes, simple values, arrays and maps (int and text keys), tags 18 and 61, to depth 5.</summary>
    private static readonly Gen<Action<CborWriter>> GenCborValue = Gen.Recursive<Action<CborWriter>>((depth, self) =>
    {
        var leaf = Gen.OneOf(
            Gen.Long.Select<long, Action<CborWriter>>(v => w => w.WriteInt64(v)),
            Gen.Int[-70000, 70000].Select<int, Action<CborWriter>>(v => w => w.WriteInt32(v)),
            Gen.ULong.Select<ulong, Action<CborWriter>>(v => w => w.WriteUInt64(v)),
            Gen.String[0, 40].Select<string, Action<CborWriter>>(v => w => WriteText(w, v)),
            Gen.Byte.Array[0, 80].Select<byte[], Action<CborWriter>>(v => w => w.WriteByteString(v)),
            Gen.Byte.Array[8].Select<byte[], Action<CborWriter>>(v => w => w.WriteByteString(v)),
            Gen.Const<Action<CborWriter>>(w => w.WriteByteString(Pool.Credentials[0].KeyId)),
            Gen.Bool.Select<bool, Action<CborWriter>>(v => w => w.WriteBoolean(v)),
            Gen.Const<Action<CborWriter>>(w => w.WriteNull()),
            Gen.Double.Select<double, Action<CborWriter>>(v => w => w.WriteDouble(v)));
        if (depth >= 5)
        {
            return leaf;
        }

        var key = Gen.OneOf(
            Gen.Int[-10, 10].Select<int, Action<CborWriter>>(v => w => w.WriteInt32(v)),
            Gen.Long.Select<long, Action<CborWriter>>(v => w => w.WriteInt64(v)),
            Gen.String[0, 8].Select<string, Action<CborWriter>>(v => w => WriteText(w, v)));
        var array = Gen.Select(self.Array[0, 6], Gen.Bool, (items, indefinite) => (Action<CborWriter>)(w =>
        {
            w.WriteStartArray(indefinite ? null : items.Length);
            foreach (var item in items)
            {
                item(w);
            }

            w.WriteEndArray();
        }));
        var map = Gen.Select(Gen.Select(key, self).Array[0, 6], entries => (Action<CborWriter>)(w =>
        {
            w.WriteStartMap(entries.Length);
            foreach (var (k, v) in entries)
            {
                k(w);
                v(w);
            }

            w.WriteEndMap();
        }));
        var tagged = Gen.Select(Gen.OneOf(18, 61), self, (tag, inner) => (Action<CborWriter>)(w =>
        {
            w.WriteTag((CborTag)tag);
            inner(w);
        }));
        // Protected-header bytes: a serialized map with alg and kid of random or plausible values.
        var wrapped = self.Select<Action<CborWriter>, Action<CborWriter>>(inner => w => w.WriteByteString(Encode(inner)));
        return Gen.Frequency((4, leaf), (2, array), (2, map), (1, tagged), (1, wrapped));
    });

    /// <summary>A protected header map: alg (ES256, another int, or text) and kid (ours, random, or not bytes), plus random extras.</summary>
    private static readonly Gen<byte[]> GenProtectedHeader =
        Gen.Select(
            Gen.Frequency((3, Gen.Const<Action<CborWriter>>(w => w.WriteInt32(-7))), (1, GenCborValue)),
            Gen.Frequency((3, Gen.Const<Action<CborWriter>>(w => w.WriteByteString(Pool.Credentials[0].KeyId))), (1, GenCborValue)),
            Gen.Select(Gen.Int[-70000, 70000], GenCborValue).Array[0, 2],
            (alg, kid, extras) => Encode(w =>
            {
                var labels = new HashSet<int> { 1, 4 };
                var distinct = extras.Where(e => labels.Add(e.Item1)).ToArray();
                w.WriteStartMap(2 + distinct.Length);
                w.WriteInt32(1);
                alg(w);
                w.WriteInt32(4);
                kid(w);
                foreach (var (label, value) in distinct)
                {
                    w.WriteInt32(label);
                    value(w);
                }

                w.WriteEndMap();
            }));

    /// <summary>Random CBOR, half of it shaped like a COSE_Sign1 so that the verifier's later checks get hostile input too.</summary>
    private static readonly Gen<byte[]> GenCborPayload = Gen.Frequency(
        (1, GenCborValue.Select(Encode)),
        (1, Gen.Select(GenProtectedHeader, GenCborValue, GenCborValue, GenCborValue, Gen.Bool).Select(t =>
        {
            var (protectedHeader, unprotectedHeader, content, signature, tagged) = t;
            return Encode(w =>
            {
                if (tagged)
                {
                    w.WriteTag((CborTag)18);
                }

                w.WriteStartArray(4);
                w.WriteByteString(protectedHeader);
                unprotectedHeader(w);
                content(w);
                signature(w);
                w.WriteEndArray();
            });
        })),
        (1, Gen.Select(GenProtectedHeader, Gen.Byte.Array[0, 200], Gen.Byte.Array[64]).Select(t => Encode(w =>
        {
            // Well-formed COSE_Sign1 with a plausible header and a random signature: reaches ECDSA.
            w.WriteTag((CborTag)18);
            w.WriteStartArray(4);
            w.WriteByteString(t.Item1);
            w.WriteStartMap(0);
            w.WriteEndMap();
            w.WriteByteString(t.Item2);
            w.WriteByteString(t.Item3);
            w.WriteEndArray();
        }))));

    /// <summary>
    /// A COSE_Sign1 written by hand, each part in a form the decoder accepts: tag 18 short, long or
    /// missing; the array definite, long or indefinite; byte strings (content up to 700 bytes, so every
    /// head width occurs) with shortest, longer-than-needed or indefinite (chunked) lengths; the
    /// unprotected map empty, empty in a long form, indefinite, or holding a header.
    /// </summary>
    private static readonly Gen<byte[]> GenSign1Encoding =
        from tag in Gen.Frequency((6, Gen.Const<byte[]>([0xD2])), (1, Gen.Const<byte[]>([0xD8, 0x12])), (1, Gen.Const<byte[]>([])))
        from array in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)))
        from protectedHeader in Gen.Frequency((3, Gen.Const(0).Select(_ => CoseMessage.DecodeSign1(Pool.Credentials[0].Cose).RawProtectedHeaders.ToArray())), (1, GenProtectedHeader))
        from unprotectedHeader in Gen.Frequency(
            (6, Gen.Const<byte[]>([0xA0])), (1, Gen.Const<byte[]>([0xB8, 0x00])), (1, Gen.Const<byte[]>([0xBF, 0xFF])),
            (1, Gen.Const<byte[]>([0xA1, 0x20, 0x00])))
        from content in Gen.Byte.Array[0, 700]
        from signature in Gen.Frequency((3, Gen.Byte.Array[64]), (1, Gen.Byte.Array[0, 300]))
        from forms in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[1, 2])).Array[3]
        select (byte[])[
            .. tag,
            .. array switch { 0 => [0x84], 1 => [0x98, 0x04], _ => new byte[] { 0x9F } },
            .. ByteString(protectedHeader, forms[0]),
            .. unprotectedHeader,
            .. ByteString(content, forms[1]),
            .. ByteString(signature, forms[2]),
            .. array == 2 ? new byte[] { 0xFF } : []];

    /// <summary>A CBOR byte string: 0 shortest head, 1 a head one size longer than needed, 2 indefinite length in one chunk.</summary>
    private static byte[] ByteString(byte[] value, int form)
    {
        var shortest = Encode(w => w.WriteByteString(value));
        if (form == 2)
        {
            return [0x5F, .. shortest, 0xFF];
        }

        if (form == 0)
        {
            return shortest;
        }

        var n = value.Length;
        return n < 24 ? [0x58, (byte)n, .. value]
            : n <= byte.MaxValue ? [0x59, 0x00, (byte)n, .. value]
            : [0x5A, 0x00, 0x00, (byte)(n >> 8), (byte)n, .. value];
    }

    private static byte[] Encode(Action<CborWriter> write)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false, allowMultipleRootLevelValues: false);
        write(writer);
        return writer.Encode();
    }

    /// <summary>Writes text, replacing lone surrogates (which CBOR text cannot carry) so that generation never throws.</summary>
    private static void WriteText(CborWriter writer, string text) =>
        writer.WriteTextString(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));

    // ---------------------------------------------------------------- Helpers

    private const int PoolSize = 16;

    /// <summary>Credentials issued once for the hostile-payload properties, and a verifier at their issue time.</summary>
    private static CredentialPool Pool => LazyPool.Value;

    private static readonly Lazy<CredentialPool> LazyPool = new(() => new CredentialPool());

    private sealed class CredentialPool
    {
        public CredentialPool()
        {
            var kit = new CredentialTestKit(); // lives for the test run: the pool is shared by several tests
            Verifier = kit.Verifier;
            Credentials = [.. GenLicense.Array[PoolSize].Single().Select(license =>
            {
                var issued = kit.Issuer.Issue(license);
                var check = kit.Verifier.Verify(issued.QrPayload);
                Assert.Equal(CredentialStatus.Genuine, check.Status);
                return new PoolCredential(issued.QrPayload, DecodeCose(issued.QrPayload), check.Claims!, kit.SigningKey.KeyId);
            })];
        }

        public CredentialVerifier Verifier { get; }

        public PoolCredential[] Credentials { get; }
    }

    private sealed record PoolCredential(string Payload, byte[] Cose, CredentialClaims Claims, byte[] KeyId);

    private static IssuedCredential IssueAt(CredentialTestKit kit, License license, DateTimeOffset now, TimeSpan lifetime) =>
        new CredentialIssuer(kit.Ring, kit.Options, new FakeTimeProvider(now)).Issue(license, lifetime);

    private static CredentialCheck VerifyAt(CredentialTestKit kit, string payload, DateTimeOffset now) =>
        new CredentialVerifier(kit.Ring, kit.Options, new FakeTimeProvider(now)).Verify(payload);

    private static CredentialSnapshot SnapshotOf(License license) => new()
    {
        LicenseNumber = license.LicenseNumber,
        HolderName = license.HolderName,
        LicenseClass = license.LicenseClass,
        Status = license.Status,
        ValidFromDate = license.ValidFromDate,
        ValidUntilDate = license.ValidUntilDate,
    };

    /// <summary>Claims and key are set exactly when the signature verified; the detail always says why.</summary>
    private static void AssertConsistent(CredentialCheck check, int[]? tally = null)
    {
        if (tally is not null && (uint)check.Status < (uint)tally.Length)
        {
            Interlocked.Increment(ref tally[(int)check.Status]);
        }

        Assert.True(Enum.IsDefined(check.Status), $"undefined status {(int)check.Status}");
        Assert.False(string.IsNullOrWhiteSpace(check.Detail));
        var signed = check.Status is CredentialStatus.Genuine or CredentialStatus.Expired or CredentialStatus.NotYetValid;
        Assert.Equal(signed, check.Claims is not null);
        Assert.Equal(signed, check.Key is not null);
    }

    private static byte[] DecodeCose(string payload)
    {
        var text = payload[CredentialIssuer.Prefix.Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }

    /// <summary>Runs a property for <paramref name="iter"/> cases on all cores and logs the count and time.</summary>
    /// <param name="print">Renders a failing case in full (CsCheck abbreviates long arrays), e.g. as the QR text.</param>
    private static void Run<T>(string name, long iter, Gen<T> gen, Action<T> assert, Func<T, string>? print = null)
    {
        var stopwatch = Stopwatch.StartNew();
        gen.Sample(assert, writeLine: Log, iter: iter, print: print);
        Log($"{name}: {iter:N0} cases in {stopwatch.Elapsed.TotalSeconds:F2} s");
    }

    private static int[] NewTally() => new int[Enum.GetValues<CredentialStatus>().Length];

    /// <summary>How far into the verifier the cases got, e.g. "Malformed 18,212, SignatureInvalid 1,788".</summary>
    private static void LogTally(string name, int[] tally) =>
        Log($"{name} verdicts: " + string.Join(", ", Enum.GetValues<CredentialStatus>().Where(s => tally[(int)s] > 0).Select(s => $"{s} {tally[(int)s]:N0}")));

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);
}
