using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>Every change reaches the subscribers of every node that saw it, exactly once, with its reason.</summary>
public sealed class EventSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Registered_updated_and_each_unregister_reason_arrive_exactly_once_on_every_node()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var probes = nodes.Select(n => Subscribed(n)).ToArray();

        var pid = SpawnProcess(a);
        await a.Registry().Register("ev/1", pid);
        await ExpectOnEach(probes, "ev/1", e => Assert.IsType<ProcessRegistered>(e));

        await c.Registry().UpdateMetadata("ev/1", new Dictionary<string, string?> { ["v"] = "2" });
        await ExpectOnEach(probes, "ev/1", e => Assert.Equal("2", Assert.IsType<ProcessUpdated>(e).Entry.Metadata["v"]));

        await b.Registry().Unregister("ev/1");
        await ExpectOnEach(probes, "ev/1", e => Assert.Equal(UnregisterReason.Unregistered, Assert.IsType<ProcessUnregistered>(e).Reason));

        var mortal = SpawnProcess(b);
        await b.Registry().Register("ev/2", mortal);
        await ExpectOnEach(probes, "ev/2", e => Assert.IsType<ProcessRegistered>(e));
        b.Stop(mortal);
        await ExpectOnEach(probes, "ev/2", e => Assert.Equal(UnregisterReason.Terminated, Assert.IsType<ProcessUnregistered>(e).Reason));

        await c.Registry().Register("ev/3", SpawnProcess(c));
        await ExpectOnEach(probes, "ev/3", e => Assert.IsType<ProcessRegistered>(e));
        await Cluster.Get(c).LeaveAsync().WaitAsync(Patience);
        await ExpectOnEach(probes[..2], "ev/3", e => Assert.Equal(UnregisterReason.NodeRemoved, Assert.IsType<ProcessUnregistered>(e).Reason));
    }

    [Fact]
    public async Task A_settled_conflict_is_reported_once_where_the_loser_was_seen()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var probes = nodes.Select(n => Subscribed(n)).ToArray();
        var loser = CreateTestProbe(a);
        var winner = CreateTestProbe(b);

        await RegisterOnBothSidesOfACut(a, [b, c], "ev/conflict", loser.Ref, winner.Ref);

        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(winner.Ref, n.Registry().GetPid("ev/conflict"), b)), Patience);
        var seen = new List<List<RegistryEvent>>();
        foreach (var probe in probes)
            seen.Add(await probe.ReceiveWhileAsync(Quiet, m => (RegistryEvent)m).ToListAsync());

        // Every node reports each change it saw exactly once: the winner's registration; and,
        // where the loser was seen (always on A, its owner), the loser's registration and its
        // ConflictLost removal. A alone reports the conflict.
        for (var n = 0; n < seen.Count; n++)
        {
            var events = seen[n];
            var what = $"node {n}: {string.Join("; ", events)}";
            bool IsLoser(RegistryEntry e) => e.Node.Equals(AddressOf(a));
            Assert.True(events.OfType<ProcessRegistered>().Count(e => !IsLoser(e.Entry)) == 1, what);
            var loserSeen = events.OfType<ProcessRegistered>().Count(e => IsLoser(e.Entry));
            Assert.True(loserSeen <= 1, what);
            Assert.True(events.OfType<ProcessUnregistered>().Count(e => IsLoser(e.Entry) && e.Reason == UnregisterReason.ConflictLost) == loserSeen, what);
            Assert.True(events.OfType<RegistrationConflict>().Count() == (n == 0 ? 1 : 0), what);
            Assert.True(events.Count == 1 + 2 * loserSeen + (n == 0 ? 1 : 0), what);
        }
        Assert.Equal(1, seen[0].OfType<ProcessRegistered>().Count(e => e.Entry.Node.Equals(AddressOf(a))));
    }

    private TestProbe Subscribed(ActorSystem node)
    {
        var probe = CreateTestProbe(node);
        node.Registry().Subscribe(probe.Ref);
        return probe;
    }

    private static async Task ExpectOnEach(IEnumerable<TestProbe> probes, string key, Action<RegistryEvent> check)
    {
        foreach (var probe in probes)
        {
            var received = await probe.ExpectMsgAsync<RegistryEvent>(Patience);
            Assert.Equal(key, received.Key);
            check(received);
        }
        foreach (var probe in probes)
            await probe.ExpectNoMsgAsync(Quiet);
    }
}
