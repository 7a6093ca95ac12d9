using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The server's refusals of codes in this shift (revoked, replayed, unknown licence), by token id: a code
/// the server refused is never made VALID again by an offline re-scan after the connection drops.
/// </summary>
public sealed class LiveRefusals(TimeProvider time)
{
    private readonly Dictionary<string, (VerifyCredentialResponse Answer, DateTimeOffset At)> _refusals = new(StringComparer.Ordinal);

    /// <summary>Remembers <paramref name="live"/> when it is a refusal of a code with a token id.</summary>
    public void Remember(VerifyCredentialResponse live)
    {
        if (live.Credential?.TokenId is { Length: > 0 } tokenId
            && live.Verdict is Verdict.Replayed or Verdict.LicenseNotValid or Verdict.LicenseNotFound)
        {
            _refusals[tokenId] = (live, time.GetUtcNow());
        }
    }

    /// <summary>The server's refusal of <paramref name="tokenId"/> in this shift and when it came; null when there was none.</summary>
    public (VerifyCredentialResponse Answer, DateTimeOffset At)? Of(string tokenId) =>
        _refusals.TryGetValue(tokenId, out var refusal) ? refusal : null;
}
