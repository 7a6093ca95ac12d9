using Polly.CircuitBreaker;

namespace ELicense.Server.Resilience;

/// <summary>Where the breakers' positions can be read (metrics, health); each provider is attached to one breaker.</summary>
public sealed class CircuitStates
{
    /// <summary>The breaker around Redis.</summary>
    public CircuitBreakerStateProvider Redis { get; } = new();
}
