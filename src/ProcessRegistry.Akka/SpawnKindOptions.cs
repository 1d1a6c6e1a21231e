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
}
