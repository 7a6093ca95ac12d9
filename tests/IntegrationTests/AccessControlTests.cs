using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>Every RPC of every service, called by nobody, by a stranger and by each role.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class AccessControlTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Who may call what: the specification, written independently of the services' attributes.</summary>
    private static readonly Dictionary<string, string[]> AllowedRoles = new(StringComparer.Ordinal)
    {
        ["elicense.v1.VerificationService/VerifyCredential"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/VerifyCredentials"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/GetLicense"] = ["officer"],
        ["elicense.v1.VerificationService/ListViolations"] = ["officer"],
        ["elicense.v1.VerificationService/CheckVehicle"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/CheckTransferEligibility"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/ListIssuerKeys"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/VerifyInspectionMark"] = ["officer", "transfer"],
        ["elicense.v1.VerificationService/CheckRoadside"] = ["officer", "transfer"],
        ["elicense.v1.RegistryService/UpsertLicense"] = ["registry"],
        ["elicense.v1.RegistryService/UpdateLicenseStatus"] = ["registry"],
        ["elicense.v1.RegistryService/RecordViolation"] = ["registry"],
        ["elicense.v1.RegistryService/ResolveViolation"] = ["registry"],
        ["elicense.v1.RegistryService/UpsertVehicle"] = ["registry"],
        ["elicense.v1.RegistryService/IssueCredential"] = ["registry", "holder"],
        // Registry only: vehicles name no owner licence, so a holder could not show the vehicle is its own.
        ["elicense.v1.RegistryService/IssueInspectionMark"] = ["registry"],
        ["elicense.v1.HolderService/ListLicenseChecks"] = ["holder"],
    };

    private static readonly ServiceDescriptor[] Services =
        [VerificationService.Descriptor, RegistryService.Descriptor, HolderService.Descriptor];

    private static readonly TestCaller[] RoleCallers = [TestCallers.Officer, TestCallers.Transfer, TestCallers.Registry, TestCallers.Holder];

    private static IEnumerable<MethodDescriptor> AllMethods => Services.SelectMany(s => s.Methods);

    public static TheoryData<string> MethodNames => new(AllMethods.Select(m => m.Service.FullName + "/" + m.Name));

    [Fact]
    public void RoleTable_EveryRpcOfEveryService_HasAnEntry()
    {
        Assert.Equal(AllowedRoles.Keys.Order(), MethodNames.Select(row => (string)row.Data).Order());
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public async Task Call_WithoutCredentials_IsUnauthenticated(string method)
    {
        var status = await CallAsync(env.ServerA.Channel.CreateCallInvoker(), method);

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("authorization: Bearer", status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public async Task Call_WithUnknownApiKey_IsUnauthenticated(string method)
    {
        var stranger = env.ServerA.As(new TestCaller("nobody", "not-a-configured-key-000", "officer"));

        var status = await CallAsync(stranger, method);

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public async Task Call_WithEachRole_OnlyAllowedRolesGetThrough(string method)
    {
        foreach (var caller in RoleCallers)
        {
            var status = await CallAsync(env.ServerA.As(caller), method);

            if (AllowedRoles[method].Contains(caller.Role))
            {
                // Let in: the empty request may well be refused, but not for who is asking.
                Assert.NotEqual(StatusCode.Unauthenticated, status.StatusCode);
                Assert.NotEqual(StatusCode.PermissionDenied, status.StatusCode);
            }
            else
            {
                Assert.True(status.StatusCode == StatusCode.PermissionDenied, $"{caller.Role} reached {method}: {status}");
                Assert.False(string.IsNullOrEmpty(status.Detail));
            }
        }
    }

    [Fact]
    public async Task Call_MalformedAuthorizationMetadata_IsUnauthenticated()
    {
        var invoker = env.ServerA.Channel.Intercept(m =>
        {
            m.Add("authorization", "Basic b2ZmaWNlcjpwYXNz");
            return m;
        });

        var status = await CallAsync(invoker, "elicense.v1.VerificationService/ListIssuerKeys");

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }

    [Fact]
    public async Task ServerReflection_Anonymous_IsUnauthenticated()
    {
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(env.ServerA.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" }, Ct);
            await call.ResponseStream.MoveNext(Ct);
        });

        // The write can lose the race with the server's refusal, which completes the call first: the write then
        // fails as CANCELLED, and the call's own status is the refusal. Read it from the response stream, which
        // ends with it (GetStatus would throw if the status has not arrived yet).
        var status = error.StatusCode;
        if (status == StatusCode.Cancelled)
        {
            status = (await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct))).StatusCode;
        }

        Assert.Equal(StatusCode.Unauthenticated, status);
    }

    /// <summary>Calls <paramref name="fullName"/> with an empty request and returns the final status.</summary>
    private static async Task<Status> CallAsync(CallInvoker invoker, string fullName)
    {
        var descriptor = AllMethods.Single(m => m.Service.FullName + "/" + m.Name == fullName);
        var raw = Marshallers.Create(static (byte[] b) => b, static b => b);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);
        try
        {
            if (descriptor.IsClientStreaming)
            {
                var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, descriptor.Service.FullName, descriptor.Name, raw, raw);
                // No message: a refusal comes before the server reads any, and writing into a refused call
                // races with its reset. An allowed caller simply sees an empty stream end.
                using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext(Ct))
                {
                }

                return call.GetStatus();
            }
            else
            {
                var method = new Method<byte[], byte[]>(MethodType.Unary, descriptor.Service.FullName, descriptor.Name, raw, raw);
                using var call = invoker.AsyncUnaryCall(method, null, options, []);
                await call.ResponseAsync;
                return call.GetStatus();
            }
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }
}
