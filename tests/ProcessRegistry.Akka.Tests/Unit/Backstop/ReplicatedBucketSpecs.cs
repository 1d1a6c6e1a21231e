using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Backstop;

/// <summary>
/// The replicated bucket is a CRDT: replicas that merged the same states in any order, any
/// number of times, hold the same state; a removed owner's slice stays dropped; and each
/// owner's writes only ever touch its own slice.
/// </summary>
public sealed class ReplicatedBucketSpecs
{
    private static readonly UniqueAddress[] Owners = Enumerable.Range(1, 4)
        .Select(n => new UniqueAddress(new Address("akka.tcp", "spec", "127.0.0.1", 4000 + n), n))
        .ToArray();

    [Fact]
    public void Merging_is_commutative_associative_and_idempotent()
    {
        var random = new Random(20261123);
        for (var round = 0; round < 300; round++)
        {
            var (a, b, c) = (RandomReplica(random), RandomReplica(random), RandomReplica(random));
            Assert.Equal(Content(a.Merge(b)), Content(b.Merge(a)));
            Assert.Equal(Content(a.Merge(b).Merge(c)), Content(a.Merge(b.Merge(c))));
            Assert.Equal(Content(a.Merge(a)), Content(a));
            Assert.Equal(Content(a.Merge(b)), Content(a.Merge(b).Merge(b)));
        }
    }

    [Fact]
    public void A_newer_slice_of_an_owner_replaces_its_older_one_whole()
    {
        var owner = Owners[0];
        var older = RegistryBucket.Empty.Edit(owner, _ => Slice(("x", 1), ("y", 2)));
        var newer = RegistrySliceWrite.ApplyAll(older, [new ReleaseWrite<EntryRecord>("x")], owner, 1);

        Assert.True(newer.SliceOf(owner).Version > older.SliceOf(owner).Version);
        Assert.Equal(["y"], older.Merge(newer).SliceOf(owner).Records.Select(r => r.Key));
        Assert.Equal(["y"], newer.Merge(older).SliceOf(owner).Records.Select(r => r.Key));
    }

    [Fact]
    public void A_removed_owners_slice_stays_dropped_after_merging_a_replica_that_still_has_it()
    {
        var (gone, stays) = (Owners[0], Owners[1]);
        var stale = RegistryBucket.Empty
            .Edit(gone, _ => Slice(("a", 1)))
            .Edit(stays, _ => Slice(("b", 2)));
        var pruned = stale.WithoutOwners([gone]);

        foreach (var merged in new[] { pruned.Merge(stale), stale.Merge(pruned) })
        {
            Assert.False(merged.Slices.ContainsKey(gone));
            Assert.Equal(["b"], merged.SliceOf(stays).Records.Select(r => r.Key));
            Assert.Contains(gone, merged.Removed);
        }
    }

    [Fact]
    public void The_replicators_pruning_drops_a_removed_owners_slice_and_its_mark()
    {
        var (gone, leader) = (Owners[0], Owners[1]);
        var bucket = RegistryBucket.Empty.Edit(gone, _ => Slice(("a", 1))).Edit(leader, _ => Slice(("b", 2)));

        Assert.True(bucket.NeedPruningFrom(gone));
        Assert.Equal(new[] { gone, leader }.ToHashSet(), bucket.ModifiedByNodes.ToHashSet());
        var pruned = bucket.Prune(gone, leader);
        Assert.False(pruned.NeedPruningFrom(gone));
        Assert.Equal([leader], pruned.Slices.Keys);

        var marked = bucket.WithoutOwners([gone]);
        Assert.True(marked.NeedPruningFrom(gone));
        Assert.Empty(marked.PruningCleanup(gone).Removed);
    }

    [Fact]
    public void Pending_writes_change_only_the_writers_own_slice()
    {
        var (self, other) = (Owners[0], Owners[1]);
        var bucket = RegistryBucket.Empty.Edit(other, _ => Slice(("k", 5)));

        var written = RegistrySliceWrite.ApplyAll(bucket, [new RecordWrite<EntryRecord>(Record("k", self, 7))], self, 1);
        Assert.Same(bucket.SliceOf(other), written.SliceOf(other));
        Assert.Equal(7, written.SliceOf(self).Find("k")!.Version);

        Assert.Same(written, RegistrySliceWrite.ApplyAll(written, [new RecordWrite<EntryRecord>(Record("k", self, 6))], self, 1));
        var released = RegistrySliceWrite.ApplyAll(written, [new ReleaseWrite<EntryRecord>("k")], self, 1);
        Assert.Empty(released.SliceOf(self).Records);
        Assert.Same(bucket.SliceOf(other), released.SliceOf(other));

        var tombstone = Record("k", self, 8).AsTombstone(UnregisterReason.Unregistered, 9);
        var removed = RegistrySliceWrite.ApplyAll(written, [new RecordWrite<EntryRecord>(tombstone)], self, 1);
        Assert.Same(removed, RegistrySliceWrite.ApplyAll(removed, [new EraseWrite<EntryRecord>("k", 8)], self, 1));
        Assert.Empty(RegistrySliceWrite.ApplyAll(removed, [new EraseWrite<EntryRecord>("k", 9)], self, 1).SliceOf(self).Records);
    }

    [Fact]
    public void Writes_applied_together_leave_what_they_leave_applied_one_at_a_time()
    {
        var (self, other) = (Owners[0], Owners[1]);
        var random = new Random(2311);
        for (var round = 0; round < 200; round++)
        {
            var start = RegistryBucket.Empty.Edit(other, _ => Slice(("k1", 1))).Edit(self, _ => Slice(("k0", 1), ("k2", 1)));
            var writes = Enumerable.Range(0, random.Next(1, 12)).Select(_ => RandomWrite(random, self, other)).ToList();

            var together = RegistrySliceWrite.ApplyAll(start, writes, self, 1);
            var oneByOne = writes.Aggregate(start, (bucket, write) => RegistrySliceWrite.ApplyAll(bucket, [write], self, 1));

            // One slice version step for the batch, where each single write takes one: compare records.
            Assert.Equal(Records(oneByOne), Records(together));
            Assert.Equal(together.SliceOf(self).Records.Select(r => r.Key).Order(StringComparer.Ordinal), together.SliceOf(self).Records.Select(r => r.Key));
        }
    }

    private static RegistrySliceWrite RandomWrite(Random random, UniqueAddress self, UniqueAddress other)
    {
        var key = $"k{random.Next(5)}";
        return random.Next(4) switch
        {
            0 => new RecordWrite<EntryRecord>(Record(key, self, random.Next(1, 6))),
            1 => new RecordWrite<EntryRecord>(Record(key, self, random.Next(1, 6)).AsTombstone(UnregisterReason.Unregistered, random.Next(1, 6))),
            2 => new EraseWrite<EntryRecord>(key, random.Next(1, 6)),
            _ => random.Next(2) == 0 ? new ReleaseWrite<EntryRecord>(key) : new PruneWrite<EntryRecord>(new HashSet<UniqueAddress> { other }),
        };
    }

    [Fact]
    public void Replicas_holding_the_same_bucket_have_one_fingerprint_and_any_difference_changes_it()
    {
        var random = new Random(1123);
        for (var round = 0; round < 300; round++)
        {
            var (a, b) = (RandomReplica(random), RandomReplica(random));
            Assert.Equal(BucketFingerprint.Of(a.Merge(b)), BucketFingerprint.Of(b.Merge(a)));
            Assert.Equal(Content(a) == Content(b), BucketFingerprint.Of(a) == BucketFingerprint.Of(b));
        }
        Assert.Equal(BucketFingerprint.Of<EntryRecord>(null), BucketFingerprint.Of(RegistryBucket.Empty));

        var bucket = RegistryBucket.Empty.Edit(Owners[0], _ => Slice(("a", 1))).Edit(Owners[1], _ => Slice(("b", 2)));
        var advanced = RegistrySliceWrite.ApplyAll(bucket, [new RecordWrite<EntryRecord>(Record("c", Owners[1], 3))], Owners[1], 1);
        Assert.NotEqual(BucketFingerprint.Of(bucket), BucketFingerprint.Of(advanced));
        Assert.NotEqual(BucketFingerprint.Of(bucket), BucketFingerprint.Of(bucket.WithoutOwners([Owners[1]])));
        Assert.NotEqual(BucketFingerprint.Of(bucket.WithoutOwners([Owners[0]])), BucketFingerprint.Of(bucket.WithoutOwners([Owners[1]])));
    }

    /// <summary>A replica that saw some owners' slices at some versions, and maybe some removals.</summary>
    private static RegistryBucket RandomReplica(Random random)
    {
        var bucket = RegistryBucket.Empty;
        foreach (var owner in Owners)
        {
            if (random.Next(3) == 0) continue;
            // An owner writes versions in order; replicas differ in how far along they are.
            var version = random.Next(1, 4);
            var keys = Enumerable.Range(0, version).Select(i => ($"{owner.Uid}/{i}", (long)version));
            bucket = bucket.Merge(new RegistryBucket(
                ImmutableDictionary<UniqueAddress, RegistrySlice>.Empty.Add(owner, new RegistrySlice(version, Slice(keys.ToArray()).Records)),
                ImmutableHashSet<UniqueAddress>.Empty));
        }
        return random.Next(4) == 0 ? bucket.WithoutOwners([Owners[random.Next(Owners.Length)]]) : bucket;
    }

    private static string Content(RegistryBucket bucket) =>
        string.Join(";", bucket.Slices.OrderBy(s => s.Key.Uid).Select(s => $"{s.Key.Uid}@{s.Value.Version}:{string.Join(",", s.Value.Records.Select(r => r.Key))}")) +
        " removed " + string.Join(",", bucket.Removed.Select(o => o.Uid).Order());

    private static string Records(RegistryBucket bucket) =>
        string.Join(";", bucket.Slices.OrderBy(s => s.Key.Uid).Select(s => $"{s.Key.Uid}:{string.Join(",", s.Value.Records.Select(r => $"{r.Key}@{r.Version}{(r.IsLive ? "" : "x")}"))}")) +
        " removed " + string.Join(",", bucket.Removed.Select(o => o.Uid).Order());

    private static RegistrySlice Slice(params (string Key, long Version)[] records) =>
        RegistrySlice.Of(records.Max(r => r.Version), records.Select(r => Record(r.Key, Owners[0], r.Version)).ToArray());

    private static EntryRecord Record(string key, UniqueAddress owner, long version) =>
        new(key, ActorRefs.Nobody, owner, ImmutableDictionary<string, string>.Empty, 1, version, null);
}
