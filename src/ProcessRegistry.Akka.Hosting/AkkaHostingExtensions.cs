using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

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
        return builder.WithExtensions(typeof(ProcessRegistryProvider));
    }

    /// <summary>Makes <see cref="ProcessRegistry"/> injectable: the registry of the ActorSystem that Akka.Hosting starts.</summary>
    public static IServiceCollection AddProcessRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton(provider => provider.GetRequiredService<ActorSystem>().Registry());
    }
}
