using System.Collections.Frozen;
using ELicense.Server.Auditing;
using ELicense.Server.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.Server.Hosting;

/// <summary>
/// Appends an audit record for every verification and lookup, successful or not, before the answer
/// leaves: a caller never gets an answer whose record could still be lost.
/// </summary>
public sealed class AuditInterceptor(Auditor auditor) : Interceptor
{
    /// <summary>The audited unary methods and the names they are recorded under (the verify stream audits each message itself).</summary>
    private static readonly FrozenDictionary<string, string> Audited = new[]
    {
        "/elicense.v1.VerificationService/VerifyCredential", "/elicense.v1.VerificationService/GetLicense",
        "/elicense.v1.VerificationService/ListViolations", "/elicense.v1.VerificationService/CheckVehicle",
        "/elicense.v1.VerificationService/CheckTransferEligibility",
        "/elicense.v1.VerificationService/VerifyInspectionMark",
        // One record for both parts of a roadside check, naming the driver and the vehicle.
        "/elicense.v1.VerificationService/CheckRoadside",
        // Issuing returns the licence snapshot in the credential: a read of the licence, so it is audited too.
        "/elicense.v1.RegistryService/IssueCredential",
        // A mark carries the vehicle's plate and masked VIN: a read of the vehicle, audited like CheckVehicle.
        "/elicense.v1.RegistryService/IssueInspectionMark",
    }.ToFrozenDictionary(path => path, path => path[(path.LastIndexOf('/') + 1)..], StringComparer.Ordinal);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        // Calls that are not audited pass straight through, without an async frame of their own.
        Audited.TryGetValue(context.Method, out var method) && context.GetCaller() is { } caller
            ? AuditedAsync(request, context, continuation, method, caller)
            : continuation(request, context);

    private async Task<TResponse> AuditedAsync<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation, string method, Caller caller)
        where TRequest : class
        where TResponse : class
    {
        var scope = new AuditScope();
        context.UserState[typeof(AuditScope)] = scope;
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception e)
        {
            // Refused and failed lookups are lookups too (someone probing numbers shows up here).
            scope.Result = e switch
            {
                RpcException rpc => rpc.StatusCode.ToString(),
                Registry.RegistryUnavailableException => nameof(StatusCode.Unavailable),
                OperationCanceledException => nameof(StatusCode.Cancelled),
                _ => nameof(StatusCode.Internal),
            };
            await auditor.RecordAsync(caller.Id, method, scope, context.CancellationToken);
            throw;
        }

        if (scope.Result.Length == 0)
        {
            scope.Result = "OK";
        }

        await auditor.RecordAsync(caller.Id, method, scope, context.CancellationToken);
        return response;
    }
}
