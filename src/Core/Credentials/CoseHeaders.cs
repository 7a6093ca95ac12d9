using System.Security.Cryptography.Cose;

namespace ELicense.Core.Credentials;

/// <summary>Reads protected-header values without letting a hostile value's type or size throw.</summary>
internal static class CoseHeaders
{
    /// <summary>The alg header as an integer; false when absent, a text string or beyond Int32 (not ES256 either way).</summary>
    public static bool TryGetAlgorithm(CoseSign1Message message, out int algorithm)
    {
        algorithm = 0;
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var value))
        {
            return false;
        }

        try
        {
            algorithm = value.GetValueAsInt32();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or System.Formats.Cbor.CborContentException)
        {
            return false;
        }
    }

    /// <summary>A byte-string header value; false for any other CBOR type.</summary>
    public static bool TryGetBytes(CoseHeaderValue value, out byte[] bytes)
    {
        try
        {
            bytes = value.GetValueAsBytes();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Formats.Cbor.CborContentException)
        {
            bytes = [];
            return false;
        }
    }
}
