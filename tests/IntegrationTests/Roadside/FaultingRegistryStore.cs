using System.Reflection;
using ELicense.Server.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace ELicense.IntegrationTests.Roadside;

/// <summary>What a test turns on.</summary>
public sealed class RegistryFaults
{
    private volatile bool _vehiclesDown;

    /// <summary>While set, every vehicle read fails.</summary>
    public bool VehiclesDown
    {
        get => _vehiclesDown;
        set => _vehiclesDown = value;
    }
}

/// <summary>
/// The server's own registry store behind a switch: while <see cref="RegistryFaults.VehiclesDown"/> is set, every vehicle read
/// fails as an unreachable registry would (licence reads and writes still work), so one call can show a live
/// licence beside a vehicle whose record cannot be read.
/// </summary>
public class FaultingRegistryStore : DispatchProxy
{
    private IRegistryStore _inner = null!;
    private RegistryFaults _faults = null!;

    /// <summary>Replaces the registered store with itself around it; the real store stays a singleton the host disposes.</summary>
    public static void Install(IServiceCollection services, RegistryFaults faults)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IRegistryStore));
        var type = registered.ImplementationType!;
        services.Remove(registered);
        services.AddSingleton(type);
        services.AddSingleton(sp =>
        {
            var proxy = Create<IRegistryStore, FaultingRegistryStore>();
            var faulting = (FaultingRegistryStore)(object)proxy;
            (faulting._inner, faulting._faults) = ((IRegistryStore)sp.GetRequiredService(type), faults);
            return proxy;
        });
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (_faults.VehiclesDown && targetMethod!.Name.StartsWith("GetVehicle", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("registry unreachable (test fault)");
        }

        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
