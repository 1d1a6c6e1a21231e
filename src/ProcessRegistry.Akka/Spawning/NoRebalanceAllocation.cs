using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Places each new shard as the user's sharding settings would, and never moves an allocated one.
/// Sharding rebalances by handing shards off, which stops their entities, and a host's process
/// with it: a node joining the cluster would stop running processes to even out the shard count.
/// Like syn and Horde's default, the registry leaves running processes where they are; a process
/// moves only when its node leaves or is downed, and new keys favour the least loaded node.
/// </summary>
internal sealed class NoRebalanceAllocation(IShardAllocationStrategy placement) : IActorSystemDependentAllocationStrategy
{
    private static readonly Task<IImmutableSet<string>> Nothing = Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);

    public void Start(ActorSystem system)
    {
        switch (placement)
        {
            case IStartableAllocationStrategy startable:
                startable.Start();
                break;
            case IActorSystemDependentAllocationStrategy dependent:
                dependent.Start(system);
                break;
        }
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
        placement.AllocateShard(requester, shardId, currentShardAllocations);

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        Nothing;
}
