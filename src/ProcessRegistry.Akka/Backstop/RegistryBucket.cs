using System.Collections.Immutable;
using Akka.Cluster;
using Akka.DistributedData;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// One bucket of the replicated registry, a state-based CRDT: a slice per owner (see
/// <see cref="OwnerSlice"/>) and the owners removed from the cluster, whose slices are dropped.
/// Merging compares one version per owner, where LWWDictionary keeps a dot, a version vector
/// and a register per key; the slices hold the records themselves, so that is all the memory a
/// replica spends beyond them.
/// </summary>
/// <remarks>
/// The leader adds a removed member to <see cref="Removed"/> at once; the replicator's own pruning
/// (<see cref="IRemovedNodePruning{T}"/>) later drops both the slice and that mark everywhere,
/// with its pruning markers keeping a stale replica from bringing either back.
/// </remarks>
internal sealed class RegistryBucket : IReplicatedData<RegistryBucket>, IRemovedNodePruning<RegistryBucket>
{
    public static readonly RegistryBucket Empty = new(
        ImmutableDictionary<UniqueAddress, OwnerSlice>.Empty, ImmutableHashSet<UniqueAddress>.Empty);

    public RegistryBucket(ImmutableDictionary<UniqueAddress, OwnerSlice> slices, ImmutableHashSet<UniqueAddress> removed)
    {
        Slices = slices;
        Removed = removed;
    }

    public ImmutableDictionary<UniqueAddress, OwnerSlice> Slices { get; }

    public ImmutableHashSet<UniqueAddress> Removed { get; }

    public ImmutableHashSet<UniqueAddress> ModifiedByNodes => Removed.Union(Slices.Keys);

    public OwnerSlice SliceOf(UniqueAddress owner) => Slices.GetValueOrDefault(owner) ?? OwnerSlice.Empty;

    /// <summary>This bucket with <paramref name="owner"/>'s slice edited.</summary>
    public RegistryBucket Edit(UniqueAddress owner, Func<OwnerSlice, OwnerSlice> edit)
    {
        var slice = SliceOf(owner);
        var next = edit(slice);
        return ReferenceEquals(next, slice) ? this : new RegistryBucket(Slices.SetItem(owner, next), Removed);
    }

    /// <summary>This bucket without the slices of <paramref name="owners"/>, which stay dropped after any merge.</summary>
    public RegistryBucket WithoutOwners(IEnumerable<UniqueAddress> owners)
    {
        var present = owners.Where(Slices.ContainsKey).ToList();
        return present.Count == 0 ? this : new RegistryBucket(Slices.RemoveRange(present), Removed.Union(present));
    }

    public RegistryBucket Merge(RegistryBucket other)
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
        return new RegistryBucket(slices.ToImmutable(), removed);
    }

    public IReplicatedData Merge(IReplicatedData other) => Merge((RegistryBucket)other);

    public bool NeedPruningFrom(UniqueAddress removedNode) => Slices.ContainsKey(removedNode) || Removed.Contains(removedNode);

    public RegistryBucket Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => PruningCleanup(removedNode);

    public RegistryBucket PruningCleanup(UniqueAddress removedNode) =>
        NeedPruningFrom(removedNode) ? new RegistryBucket(Slices.Remove(removedNode), Removed.Remove(removedNode)) : this;

    IReplicatedData IRemovedNodePruning.Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => Prune(removedNode, collapseInto);

    IReplicatedData IRemovedNodePruning.PruningCleanup(UniqueAddress removedNode) => PruningCleanup(removedNode);
}
