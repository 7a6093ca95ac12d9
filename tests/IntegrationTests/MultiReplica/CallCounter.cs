using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// A server interceptor that counts the unary calls one replica answered, by method, keeps its last
/// verification answer, and can run a hook once a verification has been decided (before its reply is sent).
/// </summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Run (once) after the next VerifyCredential has been decided, before the reply leaves.</summary>
    public Action? AfterNextVerify { get; set; }

    /// <summary>The last VerifyCredential answer this replica decided, as it decided it.</summary>
    public V1.VerifyCredentialResponse? LastVerify { get; private set; }

    public int Calls(string method) => _calls.GetValueOrDefault(method);

    public int Total => _calls.Values.Sum();

    internal void Count(string method, object response)
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (response is V1.VerifyCredentialResponse verify)
        {
            LastVerify = verify;
            var hook = AfterNextVerify;
            AfterNextVerify = null;
            hook?.Invoke();
        }
    }
}

/// <summary>The replica's side of <see cref="CallCounter"/> (gRPC makes one per call, with the counter as argument).</summary>
public sealed class CountingInterceptor(CallCounter counter) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var response = await continuation(request, context);
        counter.Count(context.Method[(context.Method.LastIndexOf('/') + 1)..], response);
        return response;
    }
}
