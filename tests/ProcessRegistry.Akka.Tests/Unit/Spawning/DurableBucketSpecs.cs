using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Spawning;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Spawning;

/// <summary>
/// The durable set's bucket is a CRDT: replicas that merged the same states in any order, any
/// number of times, hold the same state; a key its node dropped stays dropped whatever a stale
/// replica still lists; and a retired node's slice stays gone.
/// </summary>
public sealed class DurableBucketSpecs
{
    private static readonly UniqueAddress[] Nodes = Enumerable.Range(1, 4)
        .Select(n => new UniqueAddress(new Address("akka.tcp", "spec", "127.0.0.1", 5000 + n), n))
        .ToArray();

    [Fact]
    public void Merging_is_commutative_associative_and_idempotent()
    {
        var random = new Random(20261202);
        for (var round = 0; round < 300; round++)
        {
            var history = History(random);
            var (a, b, c) = (Pick(history, random), Pick(history, random), Pick(history, random));
            Assert.Equal(Content(a.Merge(b)), Content(b.Merge(a)));
            Assert.Equal(Content(a.Merge(b).Merge(c)), Content(a.Merge(b.Merge(c))));
            Assert.Equal(Content(a.Merge(a)), Content(a));
            Assert.Equal(Content(a.Merge(b)), Content(a.Merge(b).Merge(b)));
        }
    }

    [Fact]
    public void A_key_its_node_dropped_stays_dropped_whatever_order_replicas_merge_in()
    {
        // The shape Akka's LWWDictionary got wrong: another node wrote the bucket meanwhile, so a
        // replica holds both nodes' writes when the removal reaches it.
        var (owner, other) = (Nodes[2], Nodes[0]);
        var started = DurableBucket.Empty.Edit(owner, entries => entries.SetItem("k", Running("kind")));
        var otherWrote = started.Edit(other, entries => entries.SetItem("m", Running("kind")));
        var dropped = started.Edit(owner, entries => entries.Remove("k"));

        foreach (var merged in new[] { otherWrote.Merge(dropped), dropped.Merge(otherWrote), otherWrote.Merge(dropped).Merge(started), started.Merge(otherWrote.Merge(dropped)) })
        {
            Assert.False(merged.SliceOf(owner).Entries.ContainsKey("k"));
            Assert.True(merged.SliceOf(other).Entries.ContainsKey("m"));
        }
    }

    [Fact]
    public void A_retired_nodes_slice_stays_dropped_and_that_node_can_no_longer_write_it()
    {
        var (gone, stays) = (Nodes[0], Nodes[1]);
        var stale = DurableBucket.Empty
            .Edit(gone, entries => entries.SetItem("a", Running("kind")))
            .Edit(stays, entries => entries.SetItem("a", Running("kind")));
        var retired = stale.Retire(gone);

        foreach (var merged in new[] { retired.Merge(stale), stale.Merge(retired) })
        {
            Assert.False(merged.Slices.ContainsKey(gone));
            Assert.Contains(gone, merged.Retired);
            Assert.Equal(["a"], merged.SliceOf(stays).Entries.Keys);
        }
        Assert.Same(retired, retired.Edit(gone, entries => entries.SetItem("b", Running("kind"))));
    }

    [Fact]
    public void A_newer_slice_of_a_node_replaces_its_older_one_whole_and_an_unchanged_edit_keeps_the_version()
    {
        var node = Nodes[0];
        var older = DurableBucket.Empty.Edit(node, entries => entries.SetItem("x", Running("kind")).SetItem("y", Running("kind")));
        var newer = older.Edit(node, entries => entries.Remove("x").SetItem("y", new DurableSlice.Entry("kind", Running: false)));

        Assert.True(newer.SliceOf(node).Version > older.SliceOf(node).Version);
        foreach (var merged in new[] { older.Merge(newer), newer.Merge(older) })
            Assert.Equal([("y", false)], merged.SliceOf(node).Entries.Select(entry => (entry.Key, entry.Value.Running)));
        Assert.Same(newer, newer.Edit(node, entries => entries));
    }

    private static DurableSlice.Entry Running(string kind) => new(kind, Running: true);

    /// <summary>
    /// One history of a bucket: each node edits only its own slice, one version after another, and
    /// now and then a node is retired.
    /// </summary>
    private static List<DurableBucket> History(Random random)
    {
        var states = new List<DurableBucket> { DurableBucket.Empty };
        for (var step = 0; step < 16; step++)
        {
            var current = states[^1];
            var node = Nodes[random.Next(Nodes.Length)];
            var key = $"k{random.Next(6)}";
            states.Add(random.Next(12) switch
            {
                0 => current.Retire(node),
                < 5 => current.Edit(node, entries => entries.Remove(key)),
                _ => current.Edit(node, entries => entries.SetItem(key, new DurableSlice.Entry("kind", random.Next(3) > 0))),
            });
        }
        return states;
    }

    /// <summary>A replica some node may hold: each node's slice as of a different point of the history, and the retirements of yet another.</summary>
    private static DurableBucket Pick(List<DurableBucket> history, Random random)
    {
        var retired = history[random.Next(history.Count)].Retired;
        var slices = ImmutableDictionary<UniqueAddress, DurableSlice>.Empty;
        foreach (var node in Nodes.Where(node => !retired.Contains(node)))
        {
            if (history[random.Next(history.Count)].Slices.TryGetValue(node, out var slice))
                slices = slices.SetItem(node, slice);
        }
        return new DurableBucket(slices, retired);
    }

    private static string Content(DurableBucket bucket) =>
        string.Join(";", bucket.Retired.Select(node => node.Uid).Order()) + "|" +
        string.Join(";", bucket.Slices.OrderBy(pair => pair.Key.Uid).Select(pair =>
            $"{pair.Key.Uid}@{pair.Value.Version}:" + string.Join(",", pair.Value.Entries.Select(entry => $"{entry.Key}={entry.Value.Kind}/{entry.Value.Running}"))));
}
