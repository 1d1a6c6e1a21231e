using Akka.Actor;
using Akka.Configuration;
using Akka.DependencyInjection;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>Akka.Hosting and dependency-injection wiring for the process registry.</summary>
public static class AkkaHostingExtensions
{
    /// <summary>
    /// Starts the process registry with the actor system (on every node that runs this builder)
    /// and applies <paramref name="options"/> on top of the reference config.
    /// </summary>
    public static AkkaConfigurationBuilder WithProcessRegistry(this AkkaConfigurationBuilder builder, ProcessRegistryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (options is not null)
            builder.AddHocon(ConfigurationFactory.ParseString(options.ToHocon()), HoconAddMode.Prepend);
        builder.WithExtensions(typeof(ProcessRegistryProvider));
        if (options is { Kinds.Count: > 0 })
        {
            var kinds = options.Kinds.ToList();
            builder.WithActors((system, _, resolver) =>
            {
                var registry = system.Registry();
                foreach (var kind in kinds)
                    registry.AddKind(kind.Name, key => kind.Factory(key, resolver), kind.Options);
            });
        }
        return builder;
    }

    /// <summary>
    /// Starts the process registry with the actor system and applies the options that
    /// <paramref name="configure"/> sets (as <c>WithDistributedData</c> takes an <c>Action</c>).
    /// </summary>
    public static AkkaConfigurationBuilder WithProcessRegistry(this AkkaConfigurationBuilder builder, Action<ProcessRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ProcessRegistryOptions();
        configure(options);
        return builder.WithProcessRegistry(options);
    }

    /// <summary>
    /// Adds the registry's readiness check (<see cref="ProcessRegistryHealthCheck"/>), tagged
    /// <c>ready</c> unless <paramref name="tags"/> says otherwise: map it where your readiness probe looks,
    /// for example <c>app.MapHealthChecks("/health/ready")</c>.
    /// </summary>
    public static IHealthChecksBuilder AddProcessRegistryHealthCheck(this IHealthChecksBuilder builder, string name = "process-registry", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, services => new ProcessRegistryHealthCheck(services), HealthStatus.Unhealthy, tags ?? ["ready"]));
    }

    /// <summary>Makes <see cref="ClusterProcessRegistry"/> injectable: the registry of the ActorSystem that Akka.Hosting starts.</summary>
    public static IServiceCollection AddProcessRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton(provider => provider.GetRequiredService<ActorSystem>().Registry());
    }
}
