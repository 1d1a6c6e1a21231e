using System.Collections.Immutable;
using Akka.Cluster;
using Akka.DistributedData;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// One bucket of the durable set, a state-based CRDT: a <see cref="DurableSlice"/> per node that
/// started durable keys, and the nodes whose slices were retired for good once other nodes took
/// over every key in them.
/// </summary>
/// <remarks>
/// <para>
/// Akka's LWWDictionary cannot hold this set: its version vectors keep their entries in hash
/// order, but compare them as if sorted, so a replica can fail to see that a removal covers an
/// entry, and keeps a stopped key that no node will ever remove (Akka.DistributedData 1.5.73).
/// Slices need no version vector: each has one writer, and a higher version wins.
/// </para>
/// <para>
/// A node that is gone cannot edit its slice, so the slice stays until every key in it runs
/// elsewhere; then any node retires it. Until then a node that took over one of its keys, and
/// whose process of it stopped by itself, lists the key as stopped rather than dropping it:
/// otherwise the gone node's slice alone would name the key, and it would start once more.
/// </para>
/// </remarks>
internal sealed class DurableBucket : IReplicatedData<DurableBucket>
{
    public static readonly DurableBucket Empty = new(ImmutableDictionary<UniqueAddress, DurableSlice>.Empty, ImmutableHashSet<UniqueAddress>.Empty);

    public DurableBucket(ImmutableDictionary<UniqueAddress, DurableSlice> slices, ImmutableHashSet<UniqueAddress> retired)
    {
        Slices = slices;
        Retired = retired;
    }

    public ImmutableDictionary<UniqueAddress, DurableSlice> Slices { get; }

    /// <summary>Nodes whose slices are dropped, and stay dropped after any merge.</summary>
    public ImmutableHashSet<UniqueAddress> Retired { get; }

    public DurableSlice SliceOf(UniqueAddress node) => Slices.GetValueOrDefault(node) ?? DurableSlice.Empty;

    /// <summary>This bucket with <paramref name="node"/>'s slice edited (unless that node's slice was retired).</summary>
    public DurableBucket Edit(UniqueAddress node, Func<ImmutableSortedDictionary<string, DurableSlice.Entry>, ImmutableSortedDictionary<string, DurableSlice.Entry>> edit)
    {
        if (Retired.Contains(node)) return this;
        var slice = SliceOf(node);
        var next = slice.With(edit(slice.Entries));
        return ReferenceEquals(next, slice) ? this : new DurableBucket(Slices.SetItem(node, next), Retired);
    }

    /// <summary>This bucket without <paramref name="node"/>'s slice, for good.</summary>
    public DurableBucket Retire(UniqueAddress node) =>
        Retired.Contains(node) ? this : new DurableBucket(Slices.Remove(node), Retired.Add(node));

    public DurableBucket Merge(DurableBucket other)
    {
        if (ReferenceEquals(this, other)) return this;
        var retired = Retired.Union(other.Retired);
        var slices = Slices;
        foreach (var (node, theirs) in other.Slices)
        {
            if (!slices.TryGetValue(node, out var mine) || theirs.Supersedes(mine))
                slices = slices.SetItem(node, theirs);
        }
        slices = slices.RemoveRange(retired);
        return ReferenceEquals(slices, Slices) && retired.Count == Retired.Count ? this : new DurableBucket(slices, retired);
    }

    public IReplicatedData Merge(IReplicatedData other) => Merge((DurableBucket)other);

    /// <summary>Whether the slice of a node that is not among <paramref name="members"/> lists <paramref name="key"/> running.</summary>
    public bool RunsOnGoneNode(string key, ImmutableHashSet<UniqueAddress> members) =>
        Slices.Any(slice => !members.Contains(slice.Key) && slice.Value.Entries.TryGetValue(key, out var entry) && entry.Running);

    /// <summary>Whether a member's slice lists <paramref name="key"/>, running or stopped: a member took it over.</summary>
    public bool ListedByMember(string key, ImmutableHashSet<UniqueAddress> members) =>
        Slices.Any(slice => members.Contains(slice.Key) && slice.Value.Entries.ContainsKey(key));

    /// <summary>Whether members list every key <paramref name="gone"/>'s slice lists running.</summary>
    public bool TakenOver(UniqueAddress gone, ImmutableHashSet<UniqueAddress> members) =>
        SliceOf(gone).Entries.All(entry => !entry.Value.Running || ListedByMember(entry.Key, members));
}
