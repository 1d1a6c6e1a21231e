using System.Reflection;
using Akka.Actor;
using Akka.Routing;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Props go to whichever node hosts the key, so they are checked here, on the calling node, for
/// what would not arrive the same: an actor type the hosts do not allow, a router, a deploy
/// scope or config, a supervisor strategy, a factory (a lambda that is not <c>new T(…)</c>, or
/// dependency injection), and constructor arguments that do not come back equal from a round trip
/// through the serializers. Props that pass are carried exactly, and the request holds them as
/// the host will rebuild them, so a spawn on this node behaves as one on any other.
/// </summary>
internal static class PropsCheck
{
    // Props keep their producer private; only Akka's own ActivatorProducer makes an actor from its
    // type and arguments alone, which is all that travels.
    private static readonly FieldInfo? ProducerField = typeof(Props).GetField("_producer", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <exception cref="ArgumentException">The props cannot be carried exactly, or their actor type is not allowed.</exception>
    public static SpawnRequest RequestFor(ExtendedActorSystem system, ProcessRegistrySettings settings, string key, Props props)
    {
        try
        {
            var shape = PropsShape.Of(props);
            var typeName = PropsWire.NameOf(shape.Type);
            if (!settings.SpawnAllowedTypes.Contains(typeName))
                throw new ArgumentException(
                    $"Actor type '{typeName}' is not in akka.cluster.process-registry.spawn.allowed-types, so no node would start it. " +
                    "List it there (or with ProcessRegistryOptions.AllowSpawn) on every node.");
            if (PropsWire.TypeNamed(typeName) != shape.Type)
                throw new ArgumentException($"Its type name resolves to another type than {shape.Type}.");
            if (WhatDoesNotTravel(props) is { } problem)
                throw new ArgumentException(problem);
            var arguments = PropsWire.WriteArguments(props, system.Serialization);
            if (arguments == PropsWire.NoArguments)
                return new SpawnRequest(key, PropsWire.Create(shape, []), arguments);
            using var reader = new BinaryReader(new MemoryStream(arguments));
            var arrived = PropsWire.ReadArguments(reader, system.Serialization);
            var sent = props.Arguments;
            for (var i = 0; i < sent.Length; i++)
            {
                if (!Equals(sent[i], arrived[i]))
                    throw new ArgumentException(
                        $"Constructor argument {i} ({sent[i]!.GetType().Name}) does not come back equal from a round trip through the serializers, " +
                        "so the host would get something else. Give its type value equality (a record or a struct with serializable members), " +
                        "or bind a serializer that carries all of it.");
            }
            return new SpawnRequest(key, PropsWire.Create(shape, arrived), arguments);
        }
        catch (Exception ex)
        {
            throw new ArgumentException(
                $"Props for key '{key}' (actor {props.Type?.Name ?? "unknown"}) cannot be sent to another node: {ex.Message} " +
                "Use Props.Create with an actor type and serializable constructor arguments.",
                "props", ex);
        }
    }

    /// <summary>What of the props is more than an actor type, its arguments, a dispatcher and a mailbox; null when nothing.</summary>
    private static string? WhatDoesNotTravel(Props props)
    {
        if (props is not { RouterConfig: NoRouter } || props.Deploy.RouterConfig is not NoRouter)
            return "A router does not travel: spawn the routees' props, or start the router yourself and register it.";
        if (props.SupervisorStrategy is not null)
            return "A supervisor strategy does not travel (the host supervises spawned processes).";
        var deploy = props.Deploy;
        if (deploy.Scope != Deploy.NoScopeGiven || !string.IsNullOrEmpty(deploy.Path) || !deploy.Config.IsEmpty || deploy.StashCapacity != Deploy.None.StashCapacity)
            return "A deploy (scope, path, config or stash capacity) does not travel; only a dispatcher and a mailbox do.";
        if (props.GetType() != typeof(Props) || (ProducerField?.GetValue(props) is { } producer && producer.GetType().Name != "ActivatorProducer"))
            return "Props made by a factory (a lambda other than 'new T(…)', or dependency injection) do not travel: only the actor type and its arguments do.";
        return null;
    }
}
