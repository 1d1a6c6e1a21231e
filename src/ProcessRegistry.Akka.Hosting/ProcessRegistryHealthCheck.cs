using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>
/// Readiness of this node's process registry for <c>Microsoft.Extensions.Diagnostics.HealthChecks</c>:
/// unhealthy until the node is an Up member and has every peer's snapshot
/// (<see cref="ClusterProcessRegistry.IsReady"/>), healthy from then on. Register it with
/// <see cref="AkkaHostingExtensions.AddProcessRegistryHealthCheck"/>.
/// </summary>
public sealed class ProcessRegistryHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Akka.Hosting provides the system once the host has started it.
        if (services.GetService(typeof(ActorSystem)) is not ActorSystem system)
            return Task.FromResult(HealthCheckResult.Unhealthy("The actor system has not started."));
        var registry = system.Registry();
        return Task.FromResult(registry.IsReady
            ? HealthCheckResult.Healthy($"{registry.Count} entries in this node's replica.")
            : HealthCheckResult.Unhealthy(registry.NotReadyReason));
    }
}
