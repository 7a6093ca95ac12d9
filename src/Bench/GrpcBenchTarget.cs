using System.Runtime.CompilerServices;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Bench;

/// <summary>
/// Sends the requests over the run's connections, round robin. Every request message is built before the
/// run (one per key; verify takes a fresh credential from the pool, roadside adds one to a pre-minted mark or a plate), so a send is a pick, a token and the
/// generated client's async unary call; the per-call state machine comes from a pool. A call past its
/// deadline (<see cref="DeadlineSlots"/>) counts as DEADLINE_EXCEEDED.
/// </summary>
public sealed class GrpcBenchTarget : IBenchTarget
{
    private readonly VerificationService.VerificationServiceClient[] _clients;
    private readonly Metadata _headers;
    private readonly DeadlineSlots _deadlines;
    private readonly RequestPicker _picker;
    private readonly Workload[] _workloads;
    private readonly BenchRequests _requests;
    private readonly CredentialPool? _credentials;
    private readonly RoadsideVehicles? _roadside;

    /// <summary>
    /// Sends over <paramref name="clients"/>; <paramref name="credentials"/> is required when the mix holds verify or
    /// roadside, <paramref name="roadside"/> when it holds roadside.
    /// </summary>
    public GrpcBenchTarget(
        VerificationService.VerificationServiceClient[] clients,
        Metadata headers,
        DeadlineSlots deadlines,
        WorkloadMix mix,
        KeySkew skew,
        ulong seed,
        BenchRequests requests,
        CredentialPool? credentials,
        RoadsideVehicles? roadside = null)
    {
        _clients = clients;
        _headers = headers;
        _deadlines = deadlines;
        _workloads = mix.Entries.Select(e => e.Workload).ToArray();
        _requests = requests;
        _credentials = credentials;
        _roadside = roadside;
        _picker = new RequestPicker(mix, skew, seed, _workloads.Select(w => w == Workload.Roadside ? roadside!.KeyCount : requests.KeyCount(w)).ToArray());
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CallOutcome> CallAsync(long index, CancellationToken abort)
    {
        var pick = _picker.Pick(index);
        var operation = pick.Operation;
        var client = _clients[index % _clients.Length];
        // One token stands for both the deadline and the abort at shutdown (see DeadlineSlots).
        var token = _deadlines.Current;
        var options = new CallOptions(_headers, cancellationToken: token);
        try
        {
            switch (_workloads[operation])
            {
                case Workload.License:
                    {
                        using var call = client.GetLicenseAsync(_requests.License[pick.Key], options);
                        await call;
                        return CallOutcome.Ok(operation);
                    }

                case Workload.Verify:
                    {
                        if (!_credentials!.TryTake(out var request))
                        {
                            return CallOutcome.NotSent(operation);
                        }

                        using var call = client.VerifyCredentialAsync(request, options);
                        var response = await call;
                        return CallOutcome.Ok(operation, (int)response.Verdict);
                    }

                case Workload.Violations:
                    {
                        using var call = client.ListViolationsAsync(_requests.Violations[pick.Key], options);
                        await call;
                        return CallOutcome.Ok(operation);
                    }

                case Workload.Vehicle:
                    {
                        using var call = client.CheckVehicleAsync(_requests.Vehicle[pick.Key], options);
                        await call;
                        return CallOutcome.Ok(operation);
                    }

                case Workload.Roadside:
                    {
                        if (!_credentials!.TryTake(out var license))
                        {
                            return CallOutcome.NotSent(operation);
                        }

                        // A new message per call: the licence credential is fresh; the mark or plate is shared.
                        using var call = client.CheckRoadsideAsync(_roadside!.Request(index, pick.Key, license.QrPayload, license.DeviceId), options);
                        var response = await call;
                        return CallOutcome.Ok(operation, RoadsideOutcome.Code(response));
                    }

                default:
                    {
                        using var call = client.CheckTransferEligibilityAsync(_requests.Transfer[pick.Key], options);
                        await call;
                        return CallOutcome.Ok(operation);
                    }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && abort.IsCancellationRequested)
        {
            return CallOutcome.Abandoned(operation);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
        {
            return CallOutcome.Failed(operation, StatusCode.DeadlineExceeded);
        }
        catch (RpcException ex)
        {
            return CallOutcome.Failed(operation, ex.StatusCode);
        }
    }
}
