using ELicense.Server.Internal;
using ELicense.Server.Validation;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace ELicense.Server.Tests.Validation;

/// <summary>The one paging scheme both list methods use: sizes and page tokens.</summary>
public sealed class PagingTests
{
    private const string Refusal = "is not a token this service issued";

    [Fact]
    public void Decode_EmptyToken_IsFirstPage()
    {
        Assert.Null(Paging.Decode("", AuditPageToken.Parser, static _ => true, Refusal));
    }

    [Fact]
    public void Decode_TokenItEncoded_RoundTrips()
    {
        var token = Paging.Encode(new ViolationPageToken { QueryHash = 42, LastOccurUnixMs = 1_700_000_000_000, LastRowId = 7 });

        var decoded = Paging.Decode(token, ViolationPageToken.Parser, static t => t.QueryHash == 42, Refusal);

        Assert.Equal(new ViolationPageToken { QueryHash = 42, LastOccurUnixMs = 1_700_000_000_000, LastRowId = 7 }, decoded);
        Assert.DoesNotContain('=', token); // base64url without padding: safe in any text field
    }

    [Fact]
    public void Decode_TokenTheMethodRefuses_IsInvalidArgumentOnPageToken()
    {
        var token = Paging.Encode(new ViolationPageToken { QueryHash = 42 });

        var error = Assert.Throws<RpcException>(() => Paging.Decode(token, ViolationPageToken.Parser, static t => t.QueryHash == 43, "another query"));

        AssertPageTokenRefused(error, "another query");
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("bm90LWEtdG9rZW4")] // "not-a-token": base64url, but no protobuf message
    public void Decode_NotAToken_IsInvalidArgumentOnPageToken(string token)
    {
        var error = Assert.Throws<RpcException>(() => Paging.Decode(token, ViolationPageToken.Parser, static _ => true, Refusal));

        AssertPageTokenRefused(error, Refusal);
    }

    [Theory]
    [InlineData(0, Paging.DefaultSize)]
    [InlineData(1, 1)]
    [InlineData(Paging.MaxSize, Paging.MaxSize)]
    [InlineData(Paging.MaxSize + 1, Paging.MaxSize)]
    public void SizeOf_RequestedSize_IsDefaultOrCapped(int requested, int expected)
    {
        Assert.Equal(expected, Paging.SizeOf(requested));
    }

    [Fact]
    public void Page_NegativeSizeAndLongToken_ReportsBothFields()
    {
        var error = Assert.Throws<RpcException>(() => new RequestValidator().Page(-1, new string('A', 65), maxTokenLength: 64).ThrowIfInvalid());

        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["page_size", "page_token"], badRequest.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void Page_ValidSizeAndToken_Passes()
    {
        new RequestValidator().Page(0, new string('A', 64), maxTokenLength: 64).ThrowIfInvalid();
    }

    private static void AssertPageTokenRefused(RpcException error, string description)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("page_token", violation.Field);
        Assert.Equal(description, violation.Description);
    }
}
