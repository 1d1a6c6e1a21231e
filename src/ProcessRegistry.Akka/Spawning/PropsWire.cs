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

    // A deployment spawns few distinct shapes. Hosts look up only allowed type names and the
    // dispatchers and mailboxes their config has, so the wire cannot grow these; the bound is for
    // a deployment that allows many types.
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<Type, string> NamesByType = new();
    private static readonly ConcurrentDictionary<string, Type> TypesByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Dispatcher, string Mailbox), Deploy> Deploys = new();
    private static readonly ConcurrentDictionary<PropsShape, Props> ArgumentlessProps = new();

    /// <summary>How many entries the caches hold in all: never more than a bound, whatever the wire brings.</summary>
    internal static int CachedEntries => NamesByType.Count + TypesByName.Count + Deploys.Count + ArgumentlessProps.Count;

    public static void WriteShape(BinaryWriter writer, PropsShape shape)
    {
        writer.Write(NameOf(shape.Type));
        writer.Write(shape.Dispatcher);
        writer.Write(shape.Mailbox);
    }

    /// <summary>
    /// A shape from the wire, or why it is refused: a type not in <paramref name="allowed"/> is
    /// refused by name, before anything loads it, and so are a dispatcher or mailbox this node lacks.
    /// </summary>
    public static PropsShape? ReadShape(BinaryReader reader, IReadOnlySet<string> allowed, ActorSystem system, out string? refusal)
    {
        var (name, dispatcher, mailbox) = (reader.ReadString(), reader.ReadString(), reader.ReadString());
        refusal = !allowed.Contains(name)
            ? $"actor type '{name}' is not in akka.cluster.process-registry.spawn.allowed-types on the host"
            : dispatcher.Length > 0 && !system.Dispatchers.HasDispatcher(dispatcher)
                ? $"the host has no dispatcher '{dispatcher}'"
                : mailbox.Length > 0 && !system.Settings.Config.HasPath(mailbox)
                    ? $"the host has no mailbox '{mailbox}'"
                    : null;
        return refusal is null ? new PropsShape(TypeNamed(name), dispatcher, mailbox) : null;
    }

    /// <summary>Resolves a type's wire name (microseconds with Type.GetType) once per name.</summary>
    public static Type TypeNamed(string name) => Cached(TypesByName, name, n => Type.GetType(n, throwOnError: true)!);

    /// <summary>A type's full name and its assembly's simple name, as <c>spawn.allowed-types</c> lists it.</summary>
    public static string NameOf(Type type) => Cached(NamesByType, type, ProcessRegistrySettings.AllowedTypeName);

    private static TValue Cached<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> make) where TKey : notnull
    {
        if (cache.TryGetValue(key, out var value)) return value;
        if (cache.Count >= Capacity) cache.Clear();
        return cache.GetOrAdd(key, make);
    }

    /// <summary>The constructor arguments of <paramref name="props"/> as they travel; throws when one cannot be serialized.</summary>
    public static byte[] WriteArguments(Props props, global::Akka.Serialization.Serialization serialization)
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
                writer.Write(global::Akka.Serialization.Serialization.ManifestFor(serializer, argument));
                writer.Write7BitEncodedInt(bytes.Length);
                writer.Write(bytes);
            }
        }
        return stream.ToArray();
    }

    public static object?[] ReadArguments(BinaryReader reader, global::Akka.Serialization.Serialization serialization)
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
            return Cached(ArgumentlessProps, shape, s => new Props(DeployOf(s), s.Type));
        return new Props(DeployOf(shape), shape.Type, arguments);
    }

    private static Deploy DeployOf(PropsShape shape) => Cached(Deploys, (shape.Dispatcher, shape.Mailbox), key =>
    {
        var deploy = Deploy.None;
        if (key.Dispatcher.Length > 0) deploy = deploy.WithDispatcher(key.Dispatcher);
        if (key.Mailbox.Length > 0) deploy = deploy.WithMailbox(key.Mailbox);
        return deploy;
    });
}
