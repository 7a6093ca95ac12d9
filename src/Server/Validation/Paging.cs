using System.Buffers.Text;
using Google.Protobuf;

namespace ELicense.Server.Validation;

/// <summary>
/// The one paging scheme of the list methods (ListViolations, ListLicenseChecks): the same page-size
/// rule, and page tokens written one way — a small internal protobuf message (Internal/page_tokens.proto),
/// base64url. Callers treat a token as opaque; one that does not parse, or that the method refuses (a
/// token of another query), is INVALID_ARGUMENT on page_token, never a silent first page.
/// </summary>
public static class Paging
{
    /// <summary>Page size when the request asks for 0.</summary>
    public const int DefaultSize = 20;

    /// <summary>Largest page: larger requests get this many.</summary>
    public const int MaxSize = 100;

    /// <summary>Checks the page size and that the token is no longer than any this service issues for the method.</summary>
    public static RequestValidator Page(this RequestValidator validator, int pageSize, string pageToken, int maxTokenLength) => validator
        .Require(pageSize >= 0, "page_size", $"must not be negative (0 means {DefaultSize}; above {MaxSize} means {MaxSize})")
        .Require(pageToken.Length <= maxTokenLength, "page_token", "is not a token this service issued");

    /// <summary>The page size a valid request gets.</summary>
    public static int SizeOf(int pageSize) => pageSize == 0 ? DefaultSize : Math.Min(pageSize, MaxSize);

    /// <summary>Writes a page token.</summary>
    public static string Encode<TToken>(TToken token) where TToken : IMessage<TToken> =>
        Base64Url.EncodeToString(token.ToByteArray());

    /// <summary>
    /// Reads a page token: null for none (the first page); the token when it parses and
    /// <paramref name="accept"/> takes it; otherwise INVALID_ARGUMENT on page_token with <paramref name="refusal"/>.
    /// </summary>
    public static TToken? Decode<TToken>(string token, MessageParser<TToken> parser, Func<TToken, bool> accept, string refusal)
        where TToken : class, IMessage<TToken>
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var decoded = parser.ParseFrom(Base64Url.DecodeFromChars(token));
            if (accept(decoded))
            {
                return decoded;
            }
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
        {
            // fall through to the error below
        }

        throw RpcErrors.InvalidArgument("page_token", refusal);
    }
}
