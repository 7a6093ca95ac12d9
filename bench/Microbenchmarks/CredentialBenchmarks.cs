using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using BenchmarkDotNet.Attributes;
using ELicense.Server.Credentials;
using ELicense.Core.Credentials;

namespace ELicense.Microbenchmarks;

/// <summary>
/// The unit of cost (one ES256 verification) against the whole credential check that wraps it, and the
/// check's steps one by one, so that the non-signature part can be seen and attributed.
/// </summary>
[MemoryDiagnoser]
public class CredentialBenchmarks : IDisposable
{
    private VerifyFixture _fixture = null!;
    private ECDsa _publicKey = null!;
    private byte[] _cose = null!;
    private byte[] _decodeBuffer = null!;
    private byte[] _encodeBuffer = null!;
    private byte[] _sigStructure = null!;
    private byte[] _signature = null!;
    private byte[] _hash = null!;
    private CoseSign1Message _message = null!;
    private ReadOnlyMemory<byte> _claims;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new VerifyFixture();
        _publicKey = ECDsa.Create();
        _publicKey.ImportSubjectPublicKeyInfo(_fixture.Ring.SigningKey.SubjectPublicKeyInfo, out _);

        var text = _fixture.Payload.AsSpan(CredentialIssuer.Prefix.Length);
        _decodeBuffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, _decodeBuffer, out var length))
        {
            throw new InvalidOperationException("The issued credential is not Base45.");
        }

        _cose = _decodeBuffer[..length];
        _encodeBuffer = new byte[_cose.Length];
        _message = CoseMessage.DecodeSign1(_cose);
        _claims = _message.Content!.Value;
        _signature = _message.Signature.ToArray();
        _hash = new byte[SHA256.HashSizeInBytes];

        // Sig_structure (RFC 9052 §4.4): what ES256 actually signs for a COSE_Sign1 without external data.
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartArray(4);
        writer.WriteTextString("Signature1");
        writer.WriteByteString(_message.RawProtectedHeaders.Span);
        writer.WriteByteString([]);
        writer.WriteByteString(_claims.Span);
        writer.WriteEndArray();
        _sigStructure = writer.Encode();

        if (!Es256VerifyData() || CredentialVerify() != CredentialStatus.Genuine || !CoseVerifyEmbedded() || !CanonicalCheck())
        {
            throw new InvalidOperationException("The benchmark's credential does not verify: the measurements would be of a failure path.");
        }
    }

    /// <summary>ECDSA P-256 over SHA-256 of a real Sig_structure: the floor under every verification.</summary>
    [Benchmark(Baseline = true)]
    public bool Es256VerifyData() => _publicKey.VerifyData(_sigStructure, _signature, HashAlgorithmName.SHA256);

    /// <summary>The whole credential check, as the verify path calls it: Base45 → COSE → alg/kid → ES256 → claims → window.</summary>
    [Benchmark]
    public CredentialStatus CredentialVerify() => _fixture.Verifier.Verify(_fixture.Payload).Status;

    [Benchmark]
    public int Base45Decode()
    {
        Base45.TryDecode(_fixture.Payload.AsSpan(CredentialIssuer.Prefix.Length), _decodeBuffer, out var written);
        return written;
    }

    [Benchmark]
    public CoseSign1Message CoseDecodeSign1() => CoseMessage.DecodeSign1(_cose);

    /// <summary>The library writing the message again: how the canonical-encoding check used to get the bytes it compares.</summary>
    [Benchmark]
    public int CoseReencode() => _message.Encode(_encodeBuffer);

    /// <summary>The canonical-encoding check as the decoder makes it.</summary>
    [Benchmark]
    public bool CanonicalCheck() => CoseCanonicalForm.IsCanonical(_message, _cose);

    /// <summary>The library's COSE verification: its own Sig_structure, hash and ES256.</summary>
    [Benchmark]
    public bool CoseVerifyEmbedded() => _message.VerifyEmbedded(_fixture.Ring.SigningKey.Verifier);

    [Benchmark]
    public CredentialClaims? ClaimsDecode() => CredentialClaims.TryDecode(_claims);

    [Benchmark]
    public int Sha256OfSigStructure() => SHA256.HashData(_sigStructure, _hash);

    [GlobalCleanup]
    public void Dispose()
    {
        _publicKey?.Dispose();
        _fixture?.Dispose();
        GC.SuppressFinalize(this);
    }
}
