using Microsoft.Extensions.Options;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>
/// The server's licence-credential check: Core's one decoder (<see cref="CredentialDecoder{TClaims}"/>,
/// the same the handheld runs offline) over this server's key ring, under the policy its configuration sets.
/// </summary>
public sealed class CredentialVerifier(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    private readonly CredentialDecoder<CredentialClaims> _decoder = new(LicenseDocument.Instance, options.Value.LicensePolicy(), keyRing, time);

    /// <summary>The limits applied, as ListIssuerKeys publishes them.</summary>
    public CredentialPolicy Policy => _decoder.Policy;

    /// <summary>Checks <paramref name="qrPayload"/>; a bad credential is a verdict, never an exception.</summary>
    public CredentialCheck<CredentialClaims> Verify(string? qrPayload) => _decoder.Verify(qrPayload);
}
