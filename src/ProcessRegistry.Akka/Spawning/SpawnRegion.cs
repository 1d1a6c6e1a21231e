using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Starts the registry's sharding region on this node. Its settings come from the user's
/// akka.cluster.sharding with four exceptions the spawn contract needs: no idle passivation
/// (messages go straight to the process, so the host never looks busy), no remembered
/// entities (a process that stopped must not come back by itself), DData coordinator state, and
/// no rebalancing (<see cref="NoRebalanceAllocation"/>).
/// </summary>
internal static class SpawnRegion
{
    public static Task<IActorRef> Start(ExtendedActorSystem system, ProcessRegistrySettings settings)
    {
        var sharding = ClusterSharding.Get(system);
        var overrides = ConfigurationFactory.ParseString($$"""
            role = "{{settings.SpawnRole}}"
            passivate-idle-entity-after = off
            remember-entities = off
            state-store-mode = ddata
            """);
        var shardingSettings = ClusterShardingSettings.Create(
            overrides.WithFallback(system.Settings.Config.GetConfig("akka.cluster.sharding")),
            system.Settings.Config.GetConfig("akka.cluster.singleton"));
        var extractor = HashCodeMessageExtractor.Create(
            settings.SpawnShards,
            message => message is SpawnRequest request ? request.Key : null!,
            message => message);
        return sharding.StartAsync(settings.SpawnTypeName, SpawnHost.Props(), shardingSettings, extractor,
            new NoRebalanceAllocation(sharding.DefaultShardAllocationStrategy(shardingSettings)), PoisonPill.Instance);
    }
}
