using System.Buffers.Binary;
using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>The optional count of the canonical body: absent for one call (old records keep their hashes), trailing otherwise.</summary>
public sealed class AuditChainCountTests
{
    private const string Subject = "L:00112233445566778899aabbccddeeff";

    private static byte[] Body(int count)
    {
        var body = new byte[AuditChain.MaxBodyBytes("officer-1", "dev-1", "GetLicense", Subject, "OK")];
        var length = AuditChain.EncodeBody(body, 1, 1764547200000, "officer-1", "dev-1", "GetLicense", Subject, 1, "OK", 2, count);
        return body[..length];
    }

    private static string Hash(byte[] body)
    {
        var scratch = Array.Empty<byte>();
        var hash = new byte[AuditChain.HashSize];
        AuditChain.HashBody(new byte[AuditChain.HashSize], body, ref scratch, hash);
        return Convert.ToHexStringLower(hash);
    }

    [Fact]
    public void EncodeBody_OneCall_HashOfTheDefinitionBeforeCounts()
    {
        // SHA-256("elicense-audit-v1" || 32 zero bytes || body) of the body as documented before counts
        // existed, computed independently (python3, struct.pack); every record written before keeps this hash.
        Assert.Equal("5b0a461b9658d86c59d6bb97db46e0adf3d253fbdd7de2fa61ff25f7447da4f5", Hash(Body(1)));
    }

    [Fact]
    public void EncodeBody_SeveralCalls_TrailingCountInTheHashAndDecodedBack()
    {
        var body = Body(37);

        Assert.Equal(Body(1).Length + 4, body.Length);
        Assert.Equal("b2c0fcbddd81884b359ab3f151269c511f5e60eca9d45c48860713b7e48bd4ad", Hash(body));
        Assert.True(AuditChain.TryDecodeBody(body, out var sequence, out var record));
        Assert.Equal((1L, 37, "OK", Subject), (sequence, record.Count, record.Result, record.Subject));
        Assert.True(AuditChain.TryDecodeBody(Body(1), out _, out var single));
        Assert.Equal(1, single.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public void TryDecodeBody_TrailingCountBelowTwo_IsNotABodyThisWriterMakes(int count)
    {
        var body = new byte[Body(1).Length + 4];
        Body(1).CopyTo(body, 0);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(body.Length - 4), count);

        Assert.False(AuditChain.TryDecodeBody(body, out _, out _)); // one encoding per record: a count of 1 is the absent one
    }

    [Fact]
    public void AuditRecord_CountBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditRecord(DateTimeOffset.UnixEpoch, "c", "", "m", "", default, "OK", default, 0));
    }
}
