using ELicense.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.IntegrationTests.Drain;

/// <summary>
/// Holds every VerifyCredential from <see cref="Device"/> inside the server until the test releases it: a
/// slow call in flight, deterministic (no sleeps). Each wait is bounded so a test that forgets cannot hang.
/// </summary>
public sealed class HeldCalls : Interceptor
{
    public const string Device = "drain-held-device";

    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a held call has reached the server's handler pipeline.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is VerifyCredentialRequest { DeviceId: Device })
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(60), context.CancellationToken);
        }

        return await continuation(request, context);
    }
}
