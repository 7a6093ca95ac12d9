using ELicense.V1;

namespace ELicense.Core.Credentials;

/// <summary>The CWT claims every document type carries, which the decoder checks the same way for all.</summary>
public interface ISignedClaims
{
    /// <summary>The iss claim.</summary>
    string Issuer { get; }

    /// <summary>The iat claim.</summary>
    DateTimeOffset IssuedAt { get; }

    /// <summary>The exp claim.</summary>
    DateTimeOffset ExpiresAt { get; }

    /// <summary>The cti claim.</summary>
    byte[] TokenId { get; }
}

/// <summary>
/// One document type the issuer signs: what its signed content must hold. The decoder runs the same
/// pipeline for every type and asks the document only to parse the claims it verified; a payload whose
/// claims are not of this type is Malformed. (The driving licence and the inspection mark are the two
/// types, each with its own claims, prefix and policy.)
/// </summary>
public interface ICredentialDocument<out TClaims>
    where TClaims : class, ISignedClaims
{
    /// <summary>The type a policy must name to be used with this document.</summary>
    CredentialDocumentType DocumentType { get; }

    /// <summary>The claims, or null when the content is not a complete, well-formed claim set of this type.</summary>
    TClaims? TryDecode(ReadOnlyMemory<byte> content);
}

/// <summary>The driving-licence credential: <see cref="CredentialClaims"/> with the licence snapshot.</summary>
public sealed class LicenseDocument : ICredentialDocument<CredentialClaims>
{
    /// <summary>The one instance (the type holds no state).</summary>
    public static readonly LicenseDocument Instance = new();

    private LicenseDocument()
    {
    }

    /// <inheritdoc />
    public CredentialDocumentType DocumentType => CredentialDocumentType.DrivingLicense;

    /// <inheritdoc />
    public CredentialClaims? TryDecode(ReadOnlyMemory<byte> content) => CredentialClaims.TryDecode(content);
}

/// <summary>The electronic inspection mark: <see cref="InspectionMarkClaims"/> with the signed vehicle data.</summary>
public sealed class InspectionMarkDocument : ICredentialDocument<InspectionMarkClaims>
{
    /// <summary>The one instance (the type holds no state).</summary>
    public static readonly InspectionMarkDocument Instance = new();

    private InspectionMarkDocument()
    {
    }

    /// <inheritdoc />
    public CredentialDocumentType DocumentType => CredentialDocumentType.InspectionMark;

    /// <inheritdoc />
    public InspectionMarkClaims? TryDecode(ReadOnlyMemory<byte> content) => InspectionMarkClaims.TryDecode(content);
}
