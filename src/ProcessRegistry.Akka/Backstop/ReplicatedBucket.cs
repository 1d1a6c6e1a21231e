using System.Collections.Immutable;
using Akka.Cluster;
using Akka.DistributedData;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// One bucket of an owner-partitioned table as the backstop replicates it, a state-based CRDT: a slice per owner (see
/// <see cref="OwnerSlice{TRecord}"/>) and the owners removed from the cluster, whose slices are dropped.
/// Merging compares one version per owner, where LWWDictionary keeps a dot, a version vector
/// and a register per key; the slices hold the records themselves, so that is all the memory a
/// replica spends beyond them.
/// </summary>
/// <remarks>
/// The leader adds a removed member to <see cref="Removed"/> at once; the replicator's own pruning
/// (<see cref="IRemovedNodePruning{T}"/>) later drops both the slice and that mark everywhere,
/// with its pruning markers keeping a stale replica from bringing either back.
/// </remarks>
internal sealed class ReplicatedBucket<TRecord> : IReplicatedData<ReplicatedBucket<TRecord>>, IRemovedNodePruning<ReplicatedBucket<TRecord>>, IBackstopSerializable
    where TRecord : class, IReplicatedRecord
{
    public static readonly ReplicatedBucket<TRecord> Empty = new(
        ImmutableDictionary<UniqueAddress, OwnerSlice<TRecord>>.Empty, ImmutableHashSet<UniqueAddress>.Empty);

    public ReplicatedBucket(ImmutableDictionary<UniqueAddress, OwnerSlice<TRecord>> slices, ImmutableHashSet<UniqueAddress> removed)
    {
        Slices = slices;
        Removed = removed;
    }

    public ImmutableDictionary<UniqueAddress, OwnerSlice<TRecord>> Slices { get; }

    public ImmutableHashSet<UniqueAddress> Removed { get; }

    public ImmutableHashSet<UniqueAddress> ModifiedByNodes => Removed.Union(Slices.Keys);

    public OwnerSlice<TRecord> SliceOf(UniqueAddress owner) => Slices.GetValueOrDefault(owner) ?? OwnerSlice<TRecord>.Empty;

    /// <summary>This bucket with <paramref name="owner"/>'s slice edited.</summary>
    public ReplicatedBucket<TRecord> Edit(UniqueAddress owner, Func<OwnerSlice<TRecord>, OwnerSlice<TRecord>> edit)
    {
        var slice = SliceOf(owner);
        var next = edit(slice);
        return ReferenceEquals(next, slice) ? this : new ReplicatedBucket<TRecord>(Slices.SetItem(owner, next), Removed);
    }

    /// <summary>
    /// This bucket as another node may offer it to <paramref name="owner"/>: without that owner's
    /// slice and without a removal mark of it, both of which only the owner itself decides.
    /// </summary>
    public ReplicatedBucket<TRecord> OfferedTo(UniqueAddress owner) =>
        Slices.ContainsKey(owner) || Removed.Contains(owner) ? new ReplicatedBucket<TRecord>(Slices.Remove(owner), Removed.Remove(owner)) : this;

    /// <summary>This bucket without the slices of <paramref name="owners"/>, which stay dropped after any merge.</summary>
    public ReplicatedBucket<TRecord> WithoutOwners(IEnumerable<UniqueAddress> owners)
    {
        var present = owners.Where(Slices.ContainsKey).ToList();
        return present.Count == 0 ? this : new ReplicatedBucket<TRecord>(Slices.RemoveRange(present), Removed.Union(present));
    }

    public ReplicatedBucket<TRecord> Merge(ReplicatedBucket<TRecord> other)
    {
        if (ReferenceEquals(this, other)) return this;
        var removed = Removed.Union(other.Removed);
        var slices = Slices.ToBuilder();
        foreach (var (owner, theirs) in other.Slices)
        {
            if (!slices.TryGetValue(owner, out var mine) || theirs.Supersedes(mine))
                slices[owner] = theirs;
        }
        slices.RemoveRange(removed);
        return new ReplicatedBucket<TRecord>(slices.ToImmutable(), removed);
    }

    public IReplicatedData Merge(IReplicatedData other) => Merge((ReplicatedBucket<TRecord>)other);

    public bool NeedPruningFrom(UniqueAddress removedNode) => Slices.ContainsKey(removedNode) || Removed.Contains(removedNode);

    public ReplicatedBucket<TRecord> Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => PruningCleanup(removedNode);

    public ReplicatedBucket<TRecord> PruningCleanup(UniqueAddress removedNode) =>
        NeedPruningFrom(removedNode) ? new ReplicatedBucket<TRecord>(Slices.Remove(removedNode), Removed.Remove(removedNode)) : this;

    IReplicatedData IRemovedNodePruning.Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => Prune(removedNode, collapseInto);

    IReplicatedData IRemovedNodePruning.PruningCleanup(UniqueAddress removedNode) => PruningCleanup(removedNode);
}
