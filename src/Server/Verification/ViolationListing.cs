using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Internal;
using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using ELicense.Server.Validation;
using ELicense.V1;
using Grpc.Core;
using Polly;
using Polly.Registry;

namespace ELicense.Server.Verification;

/// <summary>
/// ListViolations: read from the registry itself (a list is not cached), a page at a time, each page
/// token bound to the query that made it so a caller cannot walk another subject's list with it.
/// </summary>
public sealed class ViolationListing(IRegistryStore store, ResiliencePipelineProvider<string> pipelines, TimeProvider time)
{
    private const string WrongQuery = "is not a token this service issued for this query (subject and filter must not change between pages)";

    public async Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context)
    {
        var validator = new RequestValidator();
        switch (request.SubjectCase)
        {
            case ListViolationsRequest.SubjectOneofCase.LicenseNumber:
                validator.LicenseNumber(request.LicenseNumber, "license_number").Purpose(request.Purpose, "purpose");
                break;
            case ListViolationsRequest.SubjectOneofCase.Plate:
                validator.Plate(request.Plate, "plate");
                break;
            default:
                validator.Require(false, "subject", "set exactly one of license_number or plate");
                break;
        }

        validator.Page(request.PageSize, request.PageToken, maxTokenLength: 256).ThrowIfInvalid();

        var query = new ViolationQuery(
            request.SubjectCase == ListViolationsRequest.SubjectOneofCase.LicenseNumber ? request.LicenseNumber : null,
            request.SubjectCase == ListViolationsRequest.SubjectOneofCase.Plate ? request.Plate : null,
            request.UnprocessedOnly);
        if (context.Audit() is { } scope)
        {
            (scope.LicenseNumber, scope.Plate, scope.Purpose, scope.Source) = (query.LicenseNumber, query.Plate, request.Purpose, DataSource.Registry);
        }

        var queryHash = QueryHash(query);
        var after = Paging.Decode(request.PageToken, ViolationPageToken.Parser, t => t.QueryHash == queryHash, WrongQuery) is { } token
            ? new ViolationCursor(token.LastOccurUnixMs, token.LastRowId)
            : (ViolationCursor?)null;
        var pageSize = Paging.SizeOf(request.PageSize);

        ViolationPage page;
        try
        {
            page = await pipelines.GetPipeline(ResilienceExtensions.Registry).ExecuteAsync(
                static (s, ct) => new ValueTask<ViolationPage>(s.store.ListViolationsAsync(s.query, s.after, s.pageSize, ct)),
                (store, query, after, pageSize), context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            throw new RegistryUnavailableException(e);
        }

        var response = new ListViolationsResponse
        {
            Summary = page.Summary,
            Freshness = FreshnessInfo.Create(DataSource.Registry, time.GetUtcNow().ToUnixTimeMilliseconds(), stale: false, time.GetUtcNow(), FreshnessBound.JustRead),
            NextPageToken = page.Next is { } next
                ? Paging.Encode(new ViolationPageToken { QueryHash = queryHash, LastOccurUnixMs = next.OccurUnixMs, LastRowId = next.RowId })
                : "",
        };
        response.Violations.AddRange(page.Violations);
        return response;
    }

    private static ulong QueryHash(ViolationQuery query)
    {
        var text = $"{query.LicenseNumber}|{(query.Plate is null ? "" : RegistryKeys.Plate(query.Plate))}|{query.UnprocessedOnly}";
        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }
}
