using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// Extension id of <see cref="ClusterProcessRegistry"/>. Name this type in <c>akka.extensions</c> to start
/// the registry with the actor system:
/// <c>akka.extensions = ["ProcessRegistry.Akka.ProcessRegistryProvider, ProcessRegistry.Akka"]</c>.
/// </summary>
public sealed class ProcessRegistryProvider : ExtensionIdProvider<ClusterProcessRegistry>
{
    /// <inheritdoc />
    public override ClusterProcessRegistry CreateExtension(ExtendedActorSystem system) => new(system);
}
