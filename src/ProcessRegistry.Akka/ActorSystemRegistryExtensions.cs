using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary><c>system.Registry()</c>, usable as <c>Context.System.Registry()</c> inside any actor.</summary>
public static class ActorSystemRegistryExtensions
{
    /// <summary>The process registry of <paramref name="system"/>.</summary>
    public static ClusterProcessRegistry Registry(this ActorSystem system) => ClusterProcessRegistry.Get(system);
}
