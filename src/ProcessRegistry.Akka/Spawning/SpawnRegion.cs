using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Starts the registry's sharding region on this node. Its settings come from the user's
/// akka.cluster.sharding with six exceptions (the last two: the coordinator retries a write of its
/// state after 1 s rather than 5 s, and a region asks again for a shard's home after 0.5 s rather than 2 s): no idle passivation and no rebalancing
/// (<see cref="NoRebalanceAllocation"/>: a host that moves forgets the keys it is placing), no
/// remembered entities (a process that stopped must not come back by itself), and DData
/// coordinator state. Each shard has one entity, its <see cref="SpawnHost"/>, named by the
/// shard's number; the processes themselves live under each node's <see cref="SpawnAgent"/>.
/// </summary>
internal static class SpawnRegion
{
    /// <remarks><paramref name="view"/> and <paramref name="kinds"/>: what the hosts place keys by.</remarks>
    public static Task<IActorRef> Start(ExtendedActorSystem system, ProcessRegistrySettings settings, RegistryClock clock, LocalView view, SpawnKinds kinds)
    {
        var sharding = ClusterSharding.Get(system);
        var overrides = ConfigurationFactory.ParseString($$"""
            role = "{{settings.SpawnRole}}"
            passivate-idle-entity-after = off
            remember-entities = off
            state-store-mode = ddata
            # The coordinator writes its state to every node of a cluster smaller than sharding's
            # majority-min-cap (5), so from a node's downing until its removal each write times out
            # and is retried after this long, and GetShardHome waits meanwhile: the keys of a downed
            # node waited up to 5 s more after its removal. A shorter timeout only retries sooner.
            updating-state-timeout = 1s
            # How often a region asks again for a shard's home (and registers with a new coordinator):
            # requests for a removed node's shards wait for it while the coordinator settles.
            retry-interval = 500ms
            """);
        var shardingSettings = ClusterShardingSettings.Create(
            overrides.WithFallback(system.Settings.Config.GetConfig("akka.cluster.sharding")),
            system.Settings.Config.GetConfig("akka.cluster.singleton"));
        return sharding.StartAsync(settings.SpawnTypeName, SpawnHost.Props(view, kinds, settings, clock), shardingSettings, new BatchRouting(),
            new NoRebalanceAllocation(sharding.DefaultShardAllocationStrategy(shardingSettings)), PoisonPill.Instance);
    }

    /// <summary>The spawn shard of a registry key: a stable hash, the same on every node.</summary>
    public static int ShardOf(string key, int shards) => StableHash.SlotOf(key, shards);

    /// <summary>A batch goes to its shard's host, whose entity id is the shard id.</summary>
    private sealed class BatchRouting : IMessageExtractor
    {
        public string EntityId(object message) => message is SpawnBatch batch ? ShardName(batch.Shard) : null!;

        public object EntityMessage(object message) => message;

        public string ShardId(object message) => EntityId(message);

        public string ShardId(string entityId, object? messageHint = null) => entityId;

        private static string ShardName(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
