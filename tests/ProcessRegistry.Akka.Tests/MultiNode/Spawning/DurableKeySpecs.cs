using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// Durable keys: a key spawned by a durable kind is started again on a survivor when its node is
/// removed, without any caller, exactly once; a key that stopped by itself is not; and what a
/// member writes into the durable set is read as untrusted input.
/// </summary>
public sealed class DurableKeySpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private const string Kept = "kept", Plain = "plain";

    [Fact]
    public async Task A_downed_nodes_durable_keys_start_again_on_the_survivors_exactly_once_without_a_caller()
    {
        var nodes = await StartCluster(3);
        await AwaitSpawnRegions(nodes);
        var (a, c) = (nodes[0], nodes[2]);
        var (keptProps, keptRun) = CountedProcess.ForNewRun();
        var (plainProps, plainRun) = CountedProcess.ForNewRun();
        AddKinds(nodes, keptProps, plainProps);
        var kept = await SpawnAll(nodes, "kept", Kept, 150);
        var plain = await SpawnAll(nodes, "plain", Plain, 150);
        var keptOnC = KeysOn(a, c, kept);
        var plainOnC = KeysOn(a, c, plain);
        Assert.NotEmpty(keptOnC);
        Assert.NotEmpty(plainOnC);

        Cluster.Get(a).Down(AddressOf(c));

        // Nobody calls: the survivors start every durable key of c again, once.
        await AwaitAssertAsync(() => Assert.All(keptOnC, key => AssertRunsElsewhere(a, c, key)), Patience);
        await AwaitAssertAsync(() => Assert.All(plainOnC, key => Assert.False(a.Registry().IsRegistered(key))), Patience);
        var expected = kept.Length + keptOnC.Count;
        Assert.Equal(expected, CountedProcess.StartsOf(keptRun));
        await AssertStays(() => CountedProcess.StartsOf(keptRun) == expected, "a durable key started twice");
        Assert.Equal(plain.Length, CountedProcess.StartsOf(plainRun));
        Assert.All(plainOnC, key => Assert.False(a.Registry().IsRegistered(key)));
        foreach (var key in keptOnC.Take(10))
        {
            a.Registry().GetPid(key)!.Tell("ping", TestActor);
            await ExpectMsgAsync("pong", Patience);
        }
    }

    [Fact]
    public async Task A_durable_key_whose_process_stopped_by_itself_does_not_start_again_when_its_node_goes()
    {
        var (a, b, c, keptRun, kept, onC) = await ThreeNodesWithDurableKeys("stopping");
        var stopped = onC.Take(onC.Count / 2).ToList();
        foreach (var key in stopped)
            a.Registry().GetPid(key)!.Tell("stop");
        // A key leaves the durable set once its removal reached every node.
        await AwaitAssertAsync(async () =>
        {
            foreach (var node in new[] { a, b })
            {
                var set = await DurableSet(node);
                Assert.All(stopped, key => Assert.DoesNotContain(key, set));
                Assert.All(stopped, key => Assert.False(node.Registry().IsRegistered(key)));
            }
        }, Patience);

        Cluster.Get(a).Down(AddressOf(c));

        var running = onC.Except(stopped).ToList();
        await AwaitAssertAsync(() => Assert.All(running, key => AssertRunsElsewhere(a, c, key)), Patience);
        var expected = kept.Length + running.Count;
        await AssertStays(() => CountedProcess.StartsOf(keptRun) == expected, "a key that stopped by itself started again");
        Assert.All(stopped, key => Assert.False(a.Registry().IsRegistered(key)));
    }

    [Fact]
    public async Task A_key_taken_over_from_a_gone_node_that_stops_by_itself_does_not_start_again_and_the_gone_nodes_slice_is_retired()
    {
        var (a, b, c, keptRun, kept, onC) = await ThreeNodesWithDurableKeys("taken");
        var gone = Cluster.Get(c).SelfUniqueAddress;

        Cluster.Get(a).Down(AddressOf(c));
        await AwaitAssertAsync(() => Assert.All(onC, key => AssertRunsElsewhere(a, c, key)), Patience);
        // Most likely before the gone node's slice is retired: the survivors keep these keys
        // listed, stopped, for as long as that slice still lists them running.
        foreach (var key in onC)
            a.Registry().GetPid(key)!.Tell("stop");

        await AwaitAssertAsync(async () =>
        {
            foreach (var node in new[] { a, b })
            {
                var buckets = await DurableBuckets(node);
                Assert.All(buckets, bucket => Assert.False(bucket.Slices.ContainsKey(gone)));
                Assert.All(onC, key => Assert.DoesNotContain(buckets, bucket => bucket.Slices.Values.Any(slice => slice.Entries.ContainsKey(key))));
            }
        }, Patience);
        var expected = kept.Length + onC.Count;
        await AssertStays(() => CountedProcess.StartsOf(keptRun) == expected, "a key taken over that stopped by itself started again");
        Assert.All(onC, key => Assert.False(a.Registry().IsRegistered(key)));
    }

    [Fact]
    public async Task Ill_formed_entries_a_member_writes_into_the_durable_set_are_ignored_and_the_rest_of_it_still_works()
    {
        var nodes = await StartCluster(2);
        await AwaitSpawnRegions(nodes);
        var (a, b) = (nodes[0], nodes[1]);
        var (keptProps, keptRun) = CountedProcess.ForNewRun();
        AddKinds(nodes, keptProps, keptProps);
        var bucket = new DurableBucketKey(ProcessRegistrySettings.DurableKeyPrefix + "0");
        var gone = new UniqueAddress(new Address("akka.tcp", "registry-spec", "127.0.0.1", 1), 7);
        var entries = new Dictionary<string, string>
        {
            ["bad/kind-name"] = "no such kind!",
            ["bad/empty-kind"] = "",
            ["bad/unknown-kind"] = "unknown",
            [new string('k', 600)] = Kept,
            ["good/orphan"] = Kept,
        };
        // The entries travel to a through the wire format, as a hostile member's would.
        var update = Dsl.Update(bucket, DurableBucket.Empty, new WriteAll(Patience), set => set.Edit(gone, current =>
            entries.Aggregate(current, (written, entry) => written.SetItem(entry.Key, new DurableSlice.Entry(entry.Value, Running: true)))));
        var written = await b.Registry().Replicator.Ask<IUpdateResponse>(update, Patience);
        Assert.True(written.IsSuccessful);

        // A well-formed entry of a node that is gone is a durable key without a node: it starts.
        await AwaitAssertAsync(() => Assert.True(a.Registry().IsRegistered("good/orphan")), Patience);
        await AssertStays(() => CountedProcess.StartsOf(keptRun) == 1, "an ill-formed entry started a process");
        Assert.All(entries.Keys.Where(key => key != "good/orphan"), key => Assert.False(a.Registry().IsRegistered(key)));
    }

    [Fact]
    public async Task A_member_that_retires_a_live_node_or_forges_its_slice_version_is_reported_as_an_error_on_that_node()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var errors = CreateTestProbe(a);
        a.EventStream.Subscribe(errors.Ref, typeof(Error));
        var victim = Cluster.Get(a).SelfUniqueAddress;
        var retiring = new DurableBucketKey(ProcessRegistrySettings.DurableKeyPrefix + "3");
        var pushing = new DurableBucketKey(ProcessRegistrySettings.DurableKeyPrefix + "4");

        // Written by b into a's replica through the wire format, as a hostile member would.
        await Forge(b, retiring, set => set.Retire(victim));
        await Forge(b, pushing, set => new DurableBucket(set.Slices.SetItem(victim, new DurableSlice(long.MaxValue, DurableSlice.Empty.Entries)), set.Retired));

        var reported = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var error = await errors.FishForMessageAsync<Error>(e => e.Message.ToString()!.Contains("forged"), Patience);
            reported.Add(error.Message.ToString()!);
        }
        Assert.Single(reported, message => message.Contains(retiring.Id) && message.Contains("retires this node"));
        Assert.Single(reported, message => message.Contains(pushing.Id) && message.Contains(long.MaxValue.ToString()));
    }

    private async Task Forge(ActorSystem by, DurableBucketKey bucket, Func<DurableBucket, DurableBucket> forge)
    {
        var written = await by.Registry().Replicator.Ask<IUpdateResponse>(Dsl.Update(bucket, DurableBucket.Empty, new WriteAll(Patience), forge), Patience);
        Assert.True(written.IsSuccessful);
    }

    /// <summary>Three nodes running 60 durable keys named after <paramref name="prefix"/>, spawned from each in turn, and those that run on the third.</summary>
    private async Task<(ActorSystem A, ActorSystem B, ActorSystem C, string Run, string[] Kept, List<string> OnC)> ThreeNodesWithDurableKeys(string prefix)
    {
        var nodes = await StartCluster(3);
        await AwaitSpawnRegions(nodes);
        var (keptProps, keptRun) = CountedProcess.ForNewRun();
        AddKinds(nodes, keptProps, keptProps);
        var kept = await SpawnAll(nodes, prefix, Kept, 60);
        var onC = KeysOn(nodes[0], nodes[2], kept);
        Assert.NotEmpty(onC);
        return (nodes[0], nodes[1], nodes[2], keptRun, kept, onC);
    }

    /// <summary>The keys the durable set in <paramref name="node"/>'s replica lists running on some node.</summary>
    private static async Task<HashSet<string>> DurableSet(ActorSystem node) =>
        (await DurableBuckets(node))
            .SelectMany(bucket => bucket.Slices.Values)
            .SelectMany(slice => slice.Entries.Where(entry => entry.Value.Running).Select(entry => entry.Key))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The buckets of the durable set in <paramref name="node"/>'s replica.</summary>
    private static async Task<List<DurableBucket>> DurableBuckets(ActorSystem node)
    {
        var buckets = new List<DurableBucket>();
        for (var i = 0; i < node.Registry().Settings.DurableKeyCount; i++)
        {
            var bucket = new DurableBucketKey(ProcessRegistrySettings.DurableKeyPrefix + i);
            var response = await node.Registry().Replicator.Ask<IGetResponse>(Dsl.Get(bucket, ReadLocal.Instance), Patience);
            if (response.IsSuccessful)
                buckets.Add(response.Get(bucket));
        }
        return buckets;
    }

    private static void AddKinds(ActorSystem[] nodes, Props kept, Props plain)
    {
        foreach (var node in nodes)
        {
            node.Registry().AddKind(Kept, _ => kept, new SpawnKindOptions { Durable = true });
            node.Registry().AddKind(Plain, _ => plain);
        }
    }

    /// <summary>Spawns <paramref name="count"/> keys of <paramref name="kind"/> from every node in turn, and waits until the first node holds them all.</summary>
    private async Task<string[]> SpawnAll(ActorSystem[] nodes, string prefix, string kind, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => $"{prefix}/{i}").ToArray();
        await Task.WhenAll(keys.Select((key, i) => nodes[i % nodes.Length].Registry().GetPid(key, kind)));
        await AwaitAssertAsync(() => Assert.All(keys, key => Assert.True(nodes[0].Registry().IsRegistered(key), key)), Patience);
        return keys;
    }

    private static void AssertRunsElsewhere(ActorSystem reader, ActorSystem gone, string key)
    {
        var entry = reader.Registry().Lookup(key);
        Assert.NotNull(entry);
        Assert.NotEqual(AddressOf(gone), entry.Node);
    }

    private static List<string> KeysOn(ActorSystem reader, ActorSystem host, string[] keys) =>
        keys.Where(key => AddressOf(host).Equals(reader.Registry().Lookup(key)?.Node)).ToList();

    /// <summary>
    /// Fails if <paramref name="holds"/> stops holding within three durable check intervals: long
    /// enough for every keeper to look again at every durable key.
    /// </summary>
    private async Task AssertStays(Func<bool> holds, string failure)
    {
        var checks = Sys.Registry().Settings.DurableCheckInterval * 3;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < checks)
        {
            Assert.True(holds(), failure);
            await Task.Delay(50);
        }
        Assert.True(holds(), failure);
    }
}
