using System.Text;
using ELicense.Core.Credentials;

namespace ELicense.CredentialFuzz;

/// <summary>One document type's decoder under fuzzing: what it is fed and what counts as a finding.</summary>
internal interface IFuzzTarget
{
    /// <summary>Tries <paramref name="bytes"/> as QR text and as raw COSE behind the prefix; throws on a finding.</summary>
    void Run(byte[] bytes);
}

/// <summary>
/// Core's decoder for <typeparamref name="TClaims"/> over the fuzz key and fixed clock, and its seed: the
/// only text that may verify as Genuine. Claims are compared by their encoding (one claim set, one encoding).
/// </summary>
internal sealed class FuzzTarget<TClaims> : IFuzzTarget
    where TClaims : class, ISignedClaims
{
    private readonly CredentialDecoder<TClaims> _decoder;
    private readonly Func<TClaims, byte[]> _encode;
    private readonly string _seedPayload;
    private readonly byte[] _seedClaims;

    public FuzzTarget(ICredentialDocument<TClaims> document, CredentialPolicy policy, string seedPayload, Func<TClaims, byte[]> encode)
    {
        _decoder = new CredentialDecoder<TClaims>(document, policy, new FuzzKeys(), new FixedTimeProvider(FuzzSetup.FuzzNow));
        _encode = encode;
        _seedPayload = seedPayload;
        var seed = _decoder.Verify(seedPayload);
        // A harness that cannot recognise its own seed would report every input as a finding, or none:
        // fail loudly at once (afl-fuzz stops on a crashing seed during its dry run).
        _seedClaims = seed is { Status: CredentialStatus.Genuine, Claims: { } claims }
            ? encode(claims)
            : throw new InvalidOperationException($"The embedded {document.DocumentType} seed does not verify: {seed.Status} ({seed.Detail}).");
    }

    public void Run(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Check(text, _decoder.Verify(text), "as QR text");
        var cose = _decoder.Policy.Prefix + Base45.Encode(bytes);
        Check(cose, _decoder.Verify(cose), "as COSE bytes");
    }

    /// <summary>Throws (the finding signal for AFL++) when the verdict is impossible or a forgery got through.</summary>
    private void Check(string payload, CredentialCheck<TClaims> check, string pass)
    {
        if (!Enum.IsDefined(check.Status) || string.IsNullOrEmpty(check.Detail))
        {
            throw new InvalidOperationException($"{pass}: verdict {(int)check.Status} without a detail.");
        }

        var signed = check.Status is CredentialStatus.Genuine or CredentialStatus.Expired or CredentialStatus.NotYetValid;
        if (signed != (check.Claims is not null) || signed != (check.Key is not null))
        {
            throw new InvalidOperationException($"{pass}: {check.Status} with claims {check.Claims is not null} and key {check.Key is not null}.");
        }

        // Genuine is only possible for the seed's signed content (re-encodings of it are refused as not
        // canonical); any other claims verifying as Genuine would be a forgery.
        if (check.Status == CredentialStatus.Genuine && !_encode(check.Claims!).AsSpan().SequenceEqual(_seedClaims))
        {
            throw new InvalidOperationException($"{pass}: Genuine verdict for claims that were never signed: token {Convert.ToHexStringLower(check.Claims!.TokenId)}.");
        }

        // One credential, one text: canonical COSE and the low-S rule leave the seed exactly one encoding,
        // so a second text with the seed's claims verifying (the ECDSA twin (r, n - s), say) is a finding too.
        if (check.Status == CredentialStatus.Genuine && !string.Equals(payload, _seedPayload, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{pass}: Genuine verdict for a second encoding of the seed.");
        }
    }
}
