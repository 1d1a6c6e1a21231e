using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Props on the wire, the way remote deployment sends them: a <see cref="PropsShape"/> (the actor
/// type by name, the dispatcher and mailbox) and each constructor argument through the system's
/// serializers. A factory closure or a DI producer cannot travel; only the type and its arguments do.
/// </summary>
/// <remarks>
/// The props a host builds share what does not vary between spawns: Akka parses an (empty) HOCON
/// config for every <see cref="Deploy"/> it makes, which <c>Props.Create</c>, <c>WithDispatcher</c>
/// and <c>WithMailbox</c> each do, so each shape's deploy is made once, and so are the props of a
/// shape whose actor takes no arguments.
/// </remarks>
internal static class PropsWire
{
    /// <summary>The wire form of no constructor arguments.</summary>
    public static readonly byte[] NoArguments = [0];

    // A deployment spawns few distinct shapes; these only grow with them.
    private static readonly ConcurrentDictionary<Type, string> NamesByType = new();
    private static readonly ConcurrentDictionary<string, Type> TypesByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Dispatcher, string Mailbox), Deploy> Deploys = new();
    private static readonly ConcurrentDictionary<PropsShape, Props> ArgumentlessProps = new();

    public static void WriteShape(BinaryWriter writer, PropsShape shape)
    {
        writer.Write(NameOf(shape.Type));
        writer.Write(shape.Dispatcher);
        writer.Write(shape.Mailbox);
    }

    public static PropsShape ReadShape(BinaryReader reader) =>
        new(TypeNamed(reader.ReadString()), reader.ReadString(), reader.ReadString());

    /// <summary>Resolves an assembly-qualified name (microseconds with Type.GetType) once per name.</summary>
    public static Type TypeNamed(string name) => TypesByName.GetOrAdd(name, n => Type.GetType(n, throwOnError: true)!);

    public static string NameOf(Type type) => NamesByType.GetOrAdd(type, t => t.AssemblyQualifiedName!);

    /// <summary>The constructor arguments of <paramref name="props"/> as they travel; throws when one cannot be serialized.</summary>
    public static byte[] WriteArguments(Props props, Serialization serialization)
    {
        var arguments = props.Arguments ?? [];
        if (arguments.Length == 0) return NoArguments;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
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
        return stream.ToArray();
    }

    public static object?[] ReadArguments(BinaryReader reader, Serialization serialization)
    {
        var arguments = new object?[reader.Read7BitEncodedInt()];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!reader.ReadBoolean()) continue;
            var serializerId = reader.ReadInt32();
            var manifest = reader.ReadString();
            var bytes = reader.ReadBytes(reader.Read7BitEncodedInt());
            arguments[i] = serialization.Deserialize(bytes, serializerId, manifest);
        }
        return arguments;
    }

    public static Props Create(PropsShape shape, object?[] arguments)
    {
        if (arguments.Length == 0)
            return ArgumentlessProps.GetOrAdd(shape, s => new Props(DeployOf(s), s.Type));
        return new Props(DeployOf(shape), shape.Type, arguments);
    }

    private static Deploy DeployOf(PropsShape shape) => Deploys.GetOrAdd((shape.Dispatcher, shape.Mailbox), key =>
    {
        var deploy = Deploy.None;
        if (key.Dispatcher.Length > 0) deploy = deploy.WithDispatcher(key.Dispatcher);
        if (key.Mailbox.Length > 0) deploy = deploy.WithMailbox(key.Mailbox);
        return deploy;
    });
}
