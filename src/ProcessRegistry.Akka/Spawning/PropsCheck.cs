using Akka.Actor;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Props go to whichever node hosts the key, so they are put in their wire form here first and
/// read back: props that cannot travel fail on the calling node with the reason, before anything
/// is spawned. The request keeps the arguments' wire form, so sending it does not serialize them again.
/// </summary>
internal static class PropsCheck
{
    /// <exception cref="ArgumentException">The props' actor type or a constructor argument cannot travel.</exception>
    public static SpawnRequest RequestFor(ExtendedActorSystem system, string key, Props props)
    {
        try
        {
            var shape = PropsShape.Of(props);
            if (PropsWire.TypeNamed(PropsWire.NameOf(shape.Type)) != shape.Type)
                throw new ArgumentException($"Its type name resolves to another type than {shape.Type}.");
            var arguments = PropsWire.WriteArguments(props, system.Serialization);
            if (arguments != PropsWire.NoArguments)
            {
                using var reader = new BinaryReader(new MemoryStream(arguments));
                PropsWire.ReadArguments(reader, system.Serialization);
            }
            return new SpawnRequest(key, props, arguments);
        }
        catch (Exception ex)
        {
            throw new ArgumentException(
                $"Props for key '{key}' (actor {props.Type?.Name ?? "unknown"}) cannot be sent to another node: {ex.Message} " +
                "Use Props.Create with an actor type and serializable constructor arguments.",
                "props", ex);
        }
    }
}
