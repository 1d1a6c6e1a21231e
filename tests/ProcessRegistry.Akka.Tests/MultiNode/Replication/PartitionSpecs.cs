using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>Cuts made with the throttler's blackhole; nobody is downed while a cut lasts.</summary>
public sealed class PartitionSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    /// <summary>
    /// What crosses a partial cut goes through A's replica: once the failure detector (10 s of
    /// silence here) marks a member unreachable, every node compares all its buckets with its
    /// peers each second; before that only DData gossip, a few buckets per tick, carries them.
    /// </summary>
    private static readonly TimeSpan RelayPatience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_partial_split_where_only_A_sees_both_B_and_C_converges_through_A_and_stays_converged_after_healing()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await SetPartition(b, c, cut: true);
        var onB = CreateTestProbe(b);
        var onC = CreateTestProbe(c);
        var watchB = CreateTestProbe(b);
        watchB.Watch(onB.Ref);
        var keys = Enumerable.Range(0, 20).Select(i => $"split/{i}").ToArray();

        // B registers first, C later: keep-newest gives every key to C.
        foreach (var key in keys)
            await b.Registry().Register(key, onB.Ref);
        foreach (var key in keys)
            await c.Registry().Register(key, onC.Ref);

        // B learns of C's registrations only through A's replica, and settles them while still cut off from C.
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.All(keys, k => AssertSamePid(onC.Ref, n.Registry().GetPid(k), c))), RelayPatience);
        // The loser is told, then stopped (it held all twenty keys, so the first loss ends it).
        AssertSamePid(onC.Ref, (await onB.ExpectMsgAsync<NameConflict>(Patience)).Winner, c);
        await watchB.ExpectTerminatedAsync(onB.Ref, Patience);

        await SetPartition(b, c, cut: false);

        await a.Registry().Register("after-heal", SpawnProcess(a));
        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
            {
                Assert.Equal(keys.Length + 1, node.Registry().Count);
                Assert.All(keys, k => AssertSamePid(onC.Ref, node.Registry().GetPid(k), c));
            }
        }, Patience);
    }

    /// <summary>
    /// Every owner writes into the buckets, so a peer's copy of a bucket carries the receiver's own
    /// slice as the peer last read it. The receiver leaves its own slice out (only it writes that)
    /// and merges the rest: a copy refused whole for it would never carry anything across a cut.
    /// </summary>
    [Fact]
    public async Task A_bucket_copy_that_carries_the_receivers_own_slice_still_brings_the_other_owners_records()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        const string key = "copied/from-c";
        var buckets = a.Registry().Buckets;
        var ownKey = Enumerable.Range(0, 100_000).Select(i => $"own/{i}").First(k => buckets.IndexOf(k) == buckets.IndexOf(key));
        await a.Registry().Register(ownKey, SpawnProcess(a));
        Assert.True(a.Registry().View.TryGet(ownKey, out var own));
        var ownerA = Cluster.Get(a).SelfUniqueAddress;
        var ownerC = Cluster.Get(c).SelfUniqueAddress;
        // A process of C's that nobody registered: the copy is the only way A can hear of it.
        var processOfC = RemoteRef(b, SpawnProcess(c), c);
        var version = c.Registry().Clock.WallTicks;
        var ofC = new EntryRecord(key, processOfC, ownerC, ImmutableDictionary<string, string>.Empty, version, version, null);
        var asBReadIt = RegistryBucket.Empty
            .Edit(ownerA, _ => RegistrySlice.Of(own.Version, [own with { Pid = RemoteRef(b, own.Pid, a) }]))
            .Edit(ownerC, _ => RegistrySlice.Of(version, [ofC]));

        RegistryActorAt(b, a).Tell(new BucketCopy(buckets.IndexOf(key), asBReadIt, Answer: false), await RegistryWorkerOf(b));

        await AwaitAssertAsync(() => AssertSamePid(processOfC, a.Registry().GetPid(key), c), Patience);
        Assert.Equal(own.Version, a.Registry().Lookup(ownKey)!.Version);
        Assert.Equal(0, a.Registry().Metrics.RefusedTotal);
    }

    /// <summary>
    /// Hundreds of buckets must cross the relay, not a lucky few. A replicator that lacks a key
    /// only gets it by asking, and Akka's replicator answers with at most max-delta-elements keys
    /// of that key's chunk, in hash order: a key that sorts late is never sent, however often it
    /// is asked for. So every replica holds every bucket from the start, and while a member is
    /// unreachable the nodes compare every bucket, not DData's few per gossip tick.
    /// </summary>
    [Fact]
    public async Task Records_in_every_bucket_cross_a_partial_split_through_the_one_node_that_sees_both_sides()
    {
        var nodes = await StartCluster(3);
        var (b, c) = (nodes[1], nodes[2]);
        await SetPartition(b, c, cut: true);
        var process = SpawnProcess(b);
        var keys = Enumerable.Range(0, 400).Select(i => $"relayed/{i}").ToArray();
        await b.Registry().RegisterMany(keys.Select(key => (key, process)).ToArray());

        await AwaitAssertAsync(() => Assert.Equal(keys.Length, c.Registry().Count), RelayPatience);
        Assert.All(keys, key => AssertSamePid(process, c.Registry().GetPid(key), b));
    }

    [Fact]
    public async Task After_a_cut_heals_no_entry_points_to_a_dead_process_and_no_live_registered_process_lost_its_entry()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var survivors = Enumerable.Range(0, 10).Select(_ => SpawnProcess(b)).ToArray();
        for (var i = 0; i < survivors.Length; i++)
            await b.Registry().Register($"keep/{i}", survivors[i]);
        var doomed = Enumerable.Range(0, 10).Select(_ => SpawnProcess(b)).ToArray();
        for (var i = 0; i < doomed.Length; i++)
            await b.Registry().Register($"doomed/{i}", doomed[i]);
        await AwaitAssertAsync(() => Assert.Equal(20, a.Registry().Count), Patience);

        await SetPartition(a, b, cut: true);
        await SetPartition(c, b, cut: true);
        foreach (var pid in doomed)
            b.Stop(pid);
        await AwaitAssertAsync(() => Assert.Equal(10, b.Registry().Count), Patience);
        Assert.Equal(20, a.Registry().Count); // A cannot know yet
        await SetPartition(a, b, cut: false);
        await SetPartition(c, b, cut: false);

        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
            {
                Assert.Equal(10, node.Registry().Count);
                Assert.All(Enumerable.Range(0, 10), i => Assert.True(node.Registry().IsRegistered($"keep/{i}")));
            }
        }, Patience);
    }

    [Fact]
    public async Task Four_nodes_split_two_and_two_register_the_same_keys_then_heal_to_one_winner_per_key()
    {
        var nodes = await StartCluster(4);
        var (left, right) = (nodes[..2], nodes[2..]);
        foreach (var l in left)
            foreach (var r in right)
                await SetPartition(l, r, cut: true);
        var keys = Enumerable.Range(0, 10).Select(i => $"halves/{i}").ToArray();
        var losers = left.Select(n => CreateTestProbe(n)).ToArray();
        var winners = right.Select(n => CreateTestProbe(n)).ToArray();
        var watcher = CreateTestProbe();
        foreach (var loser in losers)
            watcher.Watch(loser.Ref);

        // Each side registers every key (spread over its two nodes); the right side does so later.
        for (var i = 0; i < keys.Length; i++)
            await left[i % 2].Registry().Register(keys[i], losers[i % 2].Ref);
        for (var i = 0; i < keys.Length; i++)
            await right[i % 2].Registry().Register(keys[i], winners[i % 2].Ref);
        foreach (var l in left)
            foreach (var r in right)
                await SetPartition(l, r, cut: false);

        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
                for (var i = 0; i < keys.Length; i++)
                    AssertSamePid(winners[i % 2].Ref, node.Registry().GetPid(keys[i]), right[i % 2]);
        }, Patience);
        // Both losers were told and stopped; no entry names them.
        foreach (var loser in losers)
            await loser.ExpectMsgAsync<NameConflict>(Patience);
        var stopped = new[] { await watcher.ExpectMsgAsync<Terminated>(Patience), await watcher.ExpectMsgAsync<Terminated>(Patience) };
        Assert.Equal(losers.Select(l => l.Ref).ToHashSet(), stopped.Select(t => t.ActorRef).ToHashSet());
        Assert.All(nodes, node => Assert.Equal(keys.Length, node.Registry().Count));
    }

    [Fact]
    public async Task Calls_forwarded_to_an_owner_across_a_cut_fail_with_TimeoutException_naming_the_owner_and_change_nothing()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var pid = SpawnProcess(b);
        await b.Registry().Register("far", pid);
        await AwaitAssertAsync(() => Assert.True(a.Registry().IsRegistered("far")), Patience);

        await SetPartition(a, b, cut: true);
        var unregister = Assert.ThrowsAsync<TimeoutException>(() => a.Registry().Unregister("far"));
        var update = Assert.ThrowsAsync<TimeoutException>(() => a.Registry().UpdateMetadata("far", new Dictionary<string, string?> { ["x"] = "y" }));
        foreach (var error in await Task.WhenAll(unregister, update))
        {
            Assert.Contains(AddressOf(b).ToString(), error.Message);
            Assert.Contains("'far'", error.Message);
        }
        await SetPartition(a, b, cut: false);

        foreach (var node in new[] { a, b })
        {
            var entry = node.Registry().Lookup("far");
            Assert.NotNull(entry);
            AssertSamePid(pid, entry.Pid, b);
            Assert.Empty(entry.Metadata);
        }
    }
}
