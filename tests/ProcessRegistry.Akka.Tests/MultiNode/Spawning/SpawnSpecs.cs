using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <remarks>
/// The user's sharding passivates idle entities after one second and rebalances every second:
/// the registry's region must do neither, or running processes would be stopped behind their back.
/// </remarks>
public sealed class SpawnSpecs(ITestOutputHelper output)
    : ClusterSpec(output, AllowSpawning(typeof(Broken)) + """
        akka.cluster.sharding.passivate-idle-entity-after = 1s
        akka.cluster.sharding.rebalance-interval = 1s
        """)
{
    [Fact]
    public async Task Three_nodes_asking_for_the_same_1000_keys_concurrently_get_exactly_1000_processes_and_agree_on_each()
    {
        var nodes = await StartCluster(3);
        var (props, run) = CountedProcess.ForNewRun();
        var keys = Enumerable.Range(0, 1000).Select(i => $"spawn/{i}").ToArray();

        var answers = await Task.WhenAll(nodes.Select(node =>
            Task.WhenAll(keys.Select(key => node.Registry().GetPid(key, props)))));

        Assert.Equal(1000, CountedProcess.StartsOf(run));
        for (var i = 0; i < keys.Length; i++)
        {
            var seen = nodes.Select((node, n) => Canonical(answers[n][i], node)).Distinct().ToList();
            Assert.Single(seen);
        }
        await AwaitAssertAsync(() => Assert.All(nodes, node => Assert.Equal(1000, node.Registry().Count)), Patience);
    }

    [Fact]
    public async Task A_hit_in_the_local_view_returns_the_registered_process_without_spawning()
    {
        var nodes = await StartCluster(2);
        var (props, run) = CountedProcess.ForNewRun();
        var first = await nodes[0].Registry().GetPid("hit", props);
        await AwaitAssertAsync(() => Assert.True(nodes[1].Registry().IsRegistered("hit")), Patience);

        var second = await nodes[1].Registry().GetPid("hit", props);

        Assert.Equal(Canonical(first, nodes[0]), Canonical(second, nodes[1]));
        Assert.Equal(1, CountedProcess.StartsOf(run));
    }

    [Fact]
    public async Task GetPid_without_props_never_spawns()
    {
        var nodes = await StartCluster(2);
        var (props, run) = CountedProcess.ForNewRun();
        await nodes[0].Registry().GetPid("other", props);

        Assert.All(nodes, node => Assert.Null(node.Registry().GetPid("absent")));
        Assert.Equal(1, CountedProcess.StartsOf(run));
        Assert.All(nodes, node => Assert.False(node.Registry().IsRegistered("absent")));
    }

    [Fact]
    public async Task A_process_reached_only_by_direct_messages_outlives_the_sharding_passivation_timeout()
    {
        var nodes = await StartCluster(2);
        var (props, _) = CountedProcess.ForNewRun();
        var process = await nodes[1].Registry().GetPid("busy-elsewhere", props);
        var client = CreateTestProbe(nodes[1]); // the ref came from node 2: reply to a sender of node 2
        client.Watch(process);

        // Three passivation periods of direct traffic and silence.
        for (var i = 0; i < 6; i++)
        {
            process.Tell("ping", client.Ref);
            await client.ExpectMsgAsync("pong", Patience);
            await client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(nodes[0].Registry().IsRegistered("busy-elsewhere"));
    }

    [Fact]
    public async Task When_the_process_stops_its_entry_goes_and_the_next_call_starts_a_fresh_one()
    {
        var nodes = await StartCluster(3);
        var (props, run) = CountedProcess.ForNewRun();
        var first = await nodes[0].Registry().GetPid("phoenix", props);
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.True(n.Registry().IsRegistered("phoenix"))), Patience);

        first.Tell("stop");

        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.False(n.Registry().IsRegistered("phoenix"))), Patience);
        var second = await AwaitSpawn(nodes[2], "phoenix", props);
        Assert.NotEqual(Canonical(first, nodes[0]), Canonical(second, nodes[2]));
        Assert.Equal(2, CountedProcess.StartsOf(run));
        var probe = CreateTestProbe(nodes[2]); // the ref came from node 3: reply to a sender of node 3
        second.Tell("ping", probe.Ref);
        await probe.ExpectMsgAsync("pong", Patience);
    }

    [Fact]
    public async Task A_downed_nodes_processes_vanish_and_are_spawned_again_on_a_survivor()
    {
        var nodes = await StartCluster(3);
        var (a, c) = (nodes[0], nodes[2]);
        var (props, run) = CountedProcess.ForNewRun();
        var onC = await KeysHostedOn(c, a, props, "crash");

        Cluster.Get(a).Down(AddressOf(c));

        await AwaitAssertAsync(() => Assert.All(onC, key => Assert.False(a.Registry().IsRegistered(key))), Patience);
        var startsBefore = CountedProcess.StartsOf(run);
        foreach (var key in onC)
        {
            var again = await AwaitSpawn(a, key, props);
            Assert.NotEqual(AddressOf(c), a.Registry().Lookup(key)?.Node);
            again.Tell("ping", TestActor);
            await ExpectMsgAsync("pong", Patience);
        }
        Assert.Equal(startsBefore + onC.Count, CountedProcess.StartsOf(run));
    }

    [Fact]
    public async Task A_node_that_leaves_hands_its_processes_off_and_they_start_again_on_demand_elsewhere()
    {
        var nodes = await StartCluster(3);
        var (a, c) = (nodes[0], nodes[2]);
        var (props, _) = CountedProcess.ForNewRun();
        var onC = await KeysHostedOn(c, a, props, "leave");

        await Cluster.Get(c).LeaveAsync().WaitAsync(Patience);

        await AwaitAssertAsync(() => Assert.All(onC, key => Assert.False(a.Registry().IsRegistered(key))), Patience);
        foreach (var key in onC)
        {
            await AwaitSpawn(a, key, props);
            Assert.NotEqual(AddressOf(c), a.Registry().Lookup(key)?.Node);
        }
    }

    /// <summary>
    /// Sharding would even out its shards by moving some to a node that joins, stopping their
    /// processes (as Horde's active redistribution does; its default, like syn, moves nothing). The
    /// registry's region only places new keys on the newcomer.
    /// </summary>
    [Fact]
    public async Task A_node_that_joins_takes_new_processes_and_stops_none_of_the_running_ones()
    {
        var nodes = await StartCluster(2);
        var (props, _) = CountedProcess.ForNewRun();
        var running = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => nodes[0].Registry().GetPid($"running/{i}", props)));
        var watcher = CreateTestProbe();
        foreach (var pid in running)
            watcher.Watch(pid);

        var joiner = await StartNode();
        await AwaitAssertAsync(() => Assert.Equal(3, Cluster.Get(nodes[0]).State.Members.Count(m => m.Status == MemberStatus.Up)), Patience);
        await KeysHostedOn(joiner, nodes[0], props, "new");

        // Several rebalance intervals of the user's sharding settings.
        await watcher.ExpectNoMsgAsync(TimeSpan.FromSeconds(5));
        for (var i = 0; i < running.Length; i++)
            Assert.Equal(running[i], nodes[0].Registry().GetPid($"running/{i}"));
    }

    [Fact]
    public async Task A_process_whose_constructor_throws_fails_the_call_with_its_cause_and_is_never_registered()
    {
        var nodes = await StartCluster(2);
        var watcher = CreateTestProbe();
        nodes[0].Registry().Subscribe(watcher.Ref);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => nodes[0].Registry().GetPid("broken", Props.Create<Broken>()));

        Assert.Contains("broken", error.Message);
        Assert.Contains(Broken.Why, error.Message);
        Assert.All(nodes, node => Assert.False(node.Registry().IsRegistered("broken")));
        // Not even briefly: a registration would have been published here on its way out.
        await watcher.ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// The process an unregistered key leaves running is no longer the key's process: the key has
    /// none, so a call with props starts one, as it would for any key without a process.
    /// </summary>
    [Fact]
    public async Task After_a_spawned_key_is_unregistered_the_next_call_starts_a_fresh_process()
    {
        var nodes = await StartCluster(2);
        var (props, run) = CountedProcess.ForNewRun();
        var first = await nodes[0].Registry().GetPid("released", props);

        Assert.True(await nodes[0].Registry().Unregister("released"));
        var second = await nodes[0].Registry().GetPid("released", props);

        Assert.NotEqual(first, second);
        Assert.Equal(2, CountedProcess.StartsOf(run));
        Assert.Equal(second, nodes[0].Registry().GetPid("released"));
    }

    /// <summary>
    /// Spawns keys from <paramref name="from"/> until some land on <paramref name="host"/> (its
    /// region may register with the coordinator a little after the cluster is up); returns those.
    /// </summary>
    private async Task<List<string>> KeysHostedOn(ActorSystem host, ActorSystem from, Props props, string prefix)
    {
        List<string> hosted = [];
        var batch = 0;
        await AwaitAssertAsync(async () =>
        {
            var keys = Enumerable.Range(0, 30).Select(i => $"{prefix}/{batch}/{i}").ToArray();
            batch++;
            await Task.WhenAll(keys.Select(k => from.Registry().GetPid(k, props)));
            hosted.AddRange(keys.Where(k => from.Registry().Lookup(k)?.Node.Equals(AddressOf(host)) == true));
            Assert.NotEmpty(hosted);
        }, Patience);
        return hosted;
    }

    /// <summary>GetPid with props, retried while sharding is still moving the key's shard after a membership change.</summary>
    private async Task<IActorRef> AwaitSpawn(ActorSystem node, string key, Props props)
    {
        IActorRef? pid = null;
        await AwaitAssertAsync(async () =>
        {
            pid = await node.Registry().GetPid(key, props);
            Assert.True(node.Registry().IsRegistered(key));
        }, Patience);
        return pid!;
    }

    private static string Canonical(IActorRef pid, ActorSystem seenFrom) =>
        pid.Path.ToSerializationFormatWithAddress(AddressOf(seenFrom));

    public sealed class Broken : ReceiveActor
    {
        public const string Why = "no room today";

        public Broken() => throw new InvalidOperationException(Why);
    }
}
