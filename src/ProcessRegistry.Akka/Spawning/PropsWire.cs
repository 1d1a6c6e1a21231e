using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Props on the wire, the way remote deployment sends them: the actor type by name, the
/// dispatcher and mailbox, and each constructor argument through the system's serializers.
/// A factory closure or a DI producer cannot travel; only the type and its arguments do.
/// </summary>
internal static class PropsWire
{
    // Type.GetType by assembly-qualified name costs microseconds, and every spawn resolves one
    // name twice (the caller's check and the host); a deployment spawns few distinct types.
    private static readonly ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);

    public static void Write(BinaryWriter writer, Props props, Serialization serialization)
    {
        var type = props.Type ?? throw new ArgumentException("Props without an actor type cannot be sent to another node.");
        writer.Write(type.AssemblyQualifiedName!);
        writer.Write(props.Dispatcher ?? "");
        writer.Write(props.Mailbox ?? "");
        var arguments = props.Arguments ?? [];
        writer.Write7BitEncodedInt(arguments.Length);
        foreach (var argument in arguments)
        {
            writer.Write(argument is not null);
            if (argument is null) continue;
            var serializer = serialization.FindSerializerFor(argument);
            var bytes = serializer.ToBinary(argument);
            writer.Write(serializer.Identifier);
            writer.Write(Serialization.ManifestFor(serializer, argument));
            writer.Write7BitEncodedInt(bytes.Length);
            writer.Write(bytes);
        }
    }

    public static Props Read(BinaryReader reader, Serialization serialization)
    {
        var typeName = reader.ReadString();
        var type = Types.GetOrAdd(typeName, name => Type.GetType(name, throwOnError: true)!);
        var dispatcher = reader.ReadString();
        var mailbox = reader.ReadString();
        var arguments = new object?[reader.Read7BitEncodedInt()];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!reader.ReadBoolean()) continue;
            var serializerId = reader.ReadInt32();
            var manifest = reader.ReadString();
            var bytes = reader.ReadBytes(reader.Read7BitEncodedInt());
            arguments[i] = serialization.Deserialize(bytes, serializerId, manifest);
        }
        var props = Props.Create(type, arguments);
        if (dispatcher.Length > 0) props = props.WithDispatcher(dispatcher);
        if (mailbox.Length > 0) props = props.WithMailbox(mailbox);
        return props;
    }
}
