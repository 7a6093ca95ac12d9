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

/// <summary>
/// The server's inspection-mark check: the same decoder over the same key ring, for the mark's document
/// type and policy. There is no one-use rule for marks: a mark is long-lived and may be shown any number of times.
/// </summary>
public sealed class MarkVerifier(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    private readonly CredentialDecoder<InspectionMarkClaims> _decoder = new(InspectionMarkDocument.Instance, options.Value.MarkPolicy(), keyRing, time);

    /// <summary>The limits applied, as ListIssuerKeys publishes them.</summary>
    public CredentialPolicy Policy => _decoder.Policy;

    /// <summary>Checks <paramref name="qrPayload"/>; a bad mark is a verdict, never an exception.</summary>
    public CredentialCheck<InspectionMarkClaims> Verify(string? qrPayload) => _decoder.Verify(qrPayload);
}
