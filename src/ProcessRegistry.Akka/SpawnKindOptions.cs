namespace ProcessRegistry.Akka;

/// <summary>How the processes of a spawn kind run (<see cref="ClusterProcessRegistry.AddKind(string, Func{string, global::Akka.Actor.Props}, SpawnKindOptions)"/>).</summary>
public sealed record SpawnKindOptions
{
    /// <summary>The role a member must have to host the kind's processes; null for any member.</summary>
    public string? Role { get; init; }

    /// <summary>
    /// Whether a key of this kind, once spawned, is kept running: when its node is removed from
    /// the cluster (it left, or was downed), the survivors start it again without waiting for a
    /// caller, exactly once, the way Akka Sharding's remembered entities come back. A key stops
    /// being durable when its process stops by itself. With <c>spawn.durable.store-directory</c>
    /// set, the keys also come back after the whole cluster was stopped and started again.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>
    /// Whether the kind's processes move with their state when their node leaves the cluster
    /// gracefully: each is sent <see cref="HandOff"/>, answers with its state, and a successor on
    /// another member receives that state first and takes over the key. Messages sent through
    /// <see cref="ClusterProcessRegistry.RefFor(string, string)"/> while a key moves wait, and reach
    /// the successor in order. Without it, a leaving node's processes stop with it.
    /// </summary>
    public bool HandOff { get; init; }

    /// <summary>
    /// Whether the kind's processes stay where they started when <c>spawn.rebalance</c> moves
    /// others to even out the nodes (they still move, or stop, when their node leaves).
    /// </summary>
    public bool Immovable { get; init; }
}
