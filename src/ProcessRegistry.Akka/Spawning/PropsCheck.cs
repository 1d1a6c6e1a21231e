using Akka.Actor;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Props go to whichever node hosts the key, so they are sent through the same serializer
/// here first: props that cannot travel fail on the calling node with the reason, before
/// anything is spawned. The serializer keeps the request's bytes, so sending that very request
/// to another node does not serialize it again.
/// </summary>
internal static class PropsCheck
{
    public static void EnsureCanTravel(ExtendedActorSystem system, SpawnRequest request)
    {
        var serializer = (RegistrySerializer)system.Serialization.FindSerializerForType(typeof(SpawnRequest));
        try
        {
            serializer.FromBinary(serializer.ToBinary(request), serializer.Manifest(request));
        }
        catch (Exception ex)
        {
            throw new ArgumentException(
                $"Props for key '{request.Key}' (actor {request.Props.Type?.Name ?? "unknown"}) cannot be sent to another node: {ex.Message} " +
                "Use Props.Create with an actor type and serializable constructor arguments.",
                "props", ex);
        }
    }
}
