using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>Three ActorSystems in one process, a real cluster over TCP on 127.0.0.1.</summary>
/// <remarks>
/// The user's own DData replicator is set to notify every five minutes: a registry that shared it
/// could not pass these specs.
/// </remarks>
public sealed class ReplicationSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.distributed-data.notify-subscribers-interval = 5m")
{
    [Fact]
    public async Task A_registration_on_A_is_visible_on_B_and_C_with_A_as_its_node()
    {
        var (a, b, c) = await ThreeNodes();
        var pid = SpawnProcess(a);

        await a.Registry().Register("room/1", pid, new Dictionary<string, string> { ["kind"] = "room" });

        await AwaitAssertAsync(() =>
        {
            foreach (var node in new[] { b, c })
            {
                var entry = node.Registry().Lookup("room/1");
                Assert.NotNull(entry);
                AssertSamePid(pid, entry.Pid, a);
                Assert.Equal(AddressOf(a), entry.Node);
                Assert.Equal("room", entry.Metadata["kind"]);
            }
        }, Patience);
    }

    [Fact]
    public async Task A_pid_hosted_on_A_registered_from_B_is_written_by_A_and_readable_on_B_at_once()
    {
        var (a, b, c) = await ThreeNodes();
        var pid = SpawnProcess(a);
        var pidSeenFromB = await b.ActorSelection(pid.Path.ToStringWithAddress(AddressOf(a))).ResolveOne(Patience);

        var entry = await b.Registry().Register("remote/1", pidSeenFromB);

        Assert.Equal(AddressOf(a), entry.Node);
        AssertSamePid(pid, b.Registry().GetPid("remote/1"), a);
        Assert.Equal(pid, a.Registry().GetPid("remote/1"));
        Assert.Single(a.Registry().LocalEntries());
        Assert.Empty(b.Registry().LocalEntries());
        await AwaitAssertAsync(() => Assert.True(c.Registry().IsRegistered("remote/1")), Patience);
    }

    [Fact]
    public async Task A_key_taken_on_another_node_is_refused_once_replicated()
    {
        var (a, b, _) = await ThreeNodes();
        var holder = SpawnProcess(a);
        await a.Registry().Register("once", holder);
        await AwaitAssertAsync(() => Assert.True(b.Registry().IsRegistered("once")), Patience);

        var error = await Assert.ThrowsAsync<KeyAlreadyRegisteredException>(() => b.Registry().Register("once", SpawnProcess(b)));

        AssertSamePid(holder, error.Holder, a);
    }

    [Fact]
    public async Task Unregister_from_C_removes_As_entry_everywhere()
    {
        var (a, b, c) = await ThreeNodes();
        await a.Registry().Register("bye", SpawnProcess(a));
        await AwaitAssertAsync(() => Assert.True(c.Registry().IsRegistered("bye")), Patience);

        Assert.True(await c.Registry().Unregister("bye"));

        Assert.False(c.Registry().IsRegistered("bye"));
        await AwaitAssertAsync(() =>
        {
            Assert.False(a.Registry().IsRegistered("bye"));
            Assert.False(b.Registry().IsRegistered("bye"));
        }, Patience);
    }

    [Fact]
    public async Task A_dead_process_leaves_every_view_with_reason_Terminated()
    {
        var (a, b, c) = await ThreeNodes();
        var pid = SpawnProcess(b);
        await b.Registry().Register("mortal", pid);
        await AwaitAssertAsync(() => Assert.True(a.Registry().IsRegistered("mortal") && c.Registry().IsRegistered("mortal")), Patience);
        var events = CreateTestProbe(c);
        c.Registry().Subscribe(events.Ref);

        b.Stop(pid);

        var gone = await events.FishForMessageAsync<ProcessUnregistered>(e => e.Key == "mortal", Patience);
        Assert.Equal(UnregisterReason.Terminated, gone.Reason);
        await AwaitAssertAsync(() =>
        {
            foreach (var node in new[] { a, b, c })
                Assert.Null(node.Registry().GetPid("mortal"));
        }, Patience);
    }

    [Fact]
    public async Task A_node_that_leaves_loses_its_entries_everywhere_with_reason_NodeRemoved()
    {
        var (a, b, c) = await ThreeNodes();
        await RegisterOn(c, "c/", 10);
        await RegisterOn(a, "a/", 5);
        // A subscribes once it holds every entry, so the events it receives are the removals alone.
        await AwaitAssertAsync(() => Assert.All(new[] { a, b }, node => Assert.Equal(15, node.Registry().Count)), Patience);
        var events = CreateTestProbe(a);
        a.Registry().Subscribe(events.Ref);

        await Cluster.Get(c).LeaveAsync().WaitAsync(Patience);

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(5, a.Registry().Count);
            Assert.Equal(5, b.Registry().Count);
            Assert.Equal(0, a.Registry().CountOn(AddressOf(c)));
        }, Patience);
        var removed = await events.ReceiveNAsync(10, Patience).Cast<ProcessUnregistered>().ToListAsync();
        Assert.All(removed, e => Assert.Equal(UnregisterReason.NodeRemoved, e.Reason));
    }

    [Fact]
    public async Task A_node_that_has_left_sends_nothing_to_its_stopped_replicator()
    {
        await StartCluster(1);
        // The node's system stays up after it leaves, and its registry reads the backstop ten
        // times a second: a registry that kept at it would fill its log with dead letters.
        var b = await StartNode("""
            akka.coordinated-shutdown.terminate-actor-system = off
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            akka.cluster.process-registry.reconcile-interval = 100ms
            """);
        await b.Registry().Register("before-leaving", SpawnProcess(b));
        var replicator = await b.ActorSelection("/system/process-registry-replicator").ResolveOne(Patience);
        var deadLetters = CreateTestProbe(b);
        deadLetters.IgnoreMessages(message => message is not DeadLetter letter || !letter.Recipient.Equals(replicator));
        b.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var watcher = CreateTestProbe(b);
        watcher.Watch(replicator);

        await Cluster.Get(b).LeaveAsync().WaitAsync(Patience);
        await watcher.ExpectTerminatedAsync(replicator, Patience);

        await deadLetters.ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_downed_node_loses_its_entries_everywhere_even_from_the_replicated_data()
    {
        var (a, b, c) = await ThreeNodes();
        await RegisterOn(c, "c/", 10);
        await AwaitAssertAsync(() => Assert.Equal(10, a.Registry().Count), Patience);

        Cluster.Get(a).Down(AddressOf(c));

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(0, a.Registry().Count);
            Assert.Equal(0, b.Registry().Count);
        }, Patience);
        // The leader pruned the records, so a node joining later never sees them.
        var d = await StartNode();
        await a.Registry().Register("after-down", SpawnProcess(a));
        await AwaitAssertAsync(() =>
        {
            Assert.True(d.Registry().IsRegistered("after-down"));
            Assert.Equal(1, d.Registry().Count);
        }, Patience);
    }

    [Fact]
    public async Task Concurrent_registrations_on_two_sides_of_a_cut_converge_to_one_winner_and_the_loser_is_told_and_stopped()
    {
        var (a, b, c) = await ThreeNodes();
        var onA = CreateTestProbe(a);
        var onB = CreateTestProbe(b);
        Watch(onA.Ref);

        // B registers later, so keep-newest makes it the winner.
        await RegisterOnBothSidesOfACut(a, [b, c], "contested", onA.Ref, onB.Ref);

        var told = await onA.ExpectMsgAsync<NameConflict>(Patience);
        Assert.Equal("contested", told.Key);
        AssertSamePid(onB.Ref, told.Winner, b);
        await ExpectTerminatedAsync(onA.Ref, Patience);
        await AwaitAssertAsync(() =>
        {
            foreach (var node in new[] { a, b, c })
                AssertSamePid(onB.Ref, node.Registry().GetPid("contested"), b);
        }, Patience);
        await onB.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_restarted_registry_actor_rebuilds_from_replicated_data_without_losing_entries()
    {
        var (a, b, _) = await ThreeNodes();
        await RegisterOn(b, "b/", 10);
        var stayers = await RegisterOn(a, "a/", 10);
        await AwaitAssertAsync(() => Assert.Equal(20, b.Registry().Count), Patience);

        (await RegistryWorkerOf(b)).Tell(Kill.Instance);
        await a.Registry().Unregister("a/0");
        a.Stop(stayers[1]);
        await RegisterOn(a, "later/", 5);

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(23, b.Registry().Count);
            Assert.False(b.Registry().IsRegistered("a/0"));
            Assert.False(b.Registry().IsRegistered("a/1"));
            Assert.True(b.Registry().IsRegistered("later/4"));
        }, Patience);
        // B still owns (and watches) its own processes after the restart.
        var bOwned = b.Registry().Lookup("b/3")!.Pid;
        b.Stop(bOwned);
        await AwaitAssertAsync(() => Assert.False(a.Registry().IsRegistered("b/3")), Patience);
    }

    [Fact]
    public async Task The_registry_uses_its_own_replicator_so_slow_user_ddata_settings_do_not_slow_it()
    {
        var (a, b, _) = await ThreeNodes();
        Assert.Equal(TimeSpan.FromMinutes(5), global::Akka.DistributedData.ReplicatorSettings.Create(a).NotifySubscribersInterval);

        await a.Registry().Register("fast", SpawnProcess(a));

        await AwaitAssertAsync(() => Assert.True(b.Registry().IsRegistered("fast")), TimeSpan.FromSeconds(20));
    }

    private async Task<(ActorSystem A, ActorSystem B, ActorSystem C)> ThreeNodes()
    {
        var nodes = await StartCluster(3);
        return (nodes[0], nodes[1], nodes[2]);
    }

    private static async Task<IActorRef[]> RegisterOn(ActorSystem node, string prefix, int count)
    {
        var pids = Enumerable.Range(0, count).Select(_ => SpawnProcess(node)).ToArray();
        await Task.WhenAll(pids.Select((pid, i) => node.Registry().Register($"{prefix}{i}", pid)));
        return pids;
    }
}
