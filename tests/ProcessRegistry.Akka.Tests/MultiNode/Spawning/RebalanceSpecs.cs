using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// Opt-in rebalancing: with <c>spawn.rebalance.enabled</c>, a node that joins takes its share of
/// the processes already running, each moving with its state; an immovable kind's stay.
/// </summary>
public sealed class RebalanceSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.spawn.rebalance { enabled = on, moves-per-second = 50 }")
{
    [Fact]
    public async Task A_node_that_joins_takes_a_share_of_the_running_processes_which_keep_their_state_and_immovable_ones_stay()
    {
        var nodes = await StartCluster(2);
        await AwaitSpawnRegions(nodes);
        var a = nodes[0];
        foreach (var node in nodes)
            AddKinds(node);
        var counters = Enumerable.Range(0, 300).Select(i => $"moving/{i}").ToArray();
        var pinned = Enumerable.Range(0, 100).Select(i => $"pinned/{i}").ToArray();
        await Task.WhenAll(counters.Select((key, i) => nodes[i % 2].Registry().GetPid(key, "counter")));
        await Task.WhenAll(pinned.Select((key, i) => nodes[i % 2].Registry().GetPid(key, "pinned")));
        foreach (var key in counters)
        {
            var counter = a.Registry().RefFor(key, "counter");
            counter.Tell("inc");
            counter.Tell("inc");
        }
        Assert.All(await Task.WhenAll(counters.Select(key => a.Registry().RefFor(key, "counter").Ask<int>("get", Patience))), count => Assert.Equal(2, count));

        var joiner = await StartNode();
        AddKinds(joiner);

        // A third of 300, give or take: the keys rendezvous hashing now puts on the joiner.
        await AwaitAssertAsync(() => Assert.InRange(counters.Count(key => AddressOf(joiner).Equals(a.Registry().Lookup(key)?.Node)), 70, 130), Patience);
        await AwaitAssertAsync(async () =>
        {
            var counts = await Task.WhenAll(counters.Select(key => a.Registry().RefFor(key, "counter").Ask<int>("get", Patience)));
            Assert.All(counts, count => Assert.Equal(2, count));
        }, Patience);
        Assert.All(pinned, key => Assert.NotEqual(AddressOf(joiner), a.Registry().Lookup(key)!.Node));
    }

    private static void AddKinds(ActorSystem node)
    {
        node.Registry().AddKind("counter", _ => HandOffCounter.Props(), new SpawnKindOptions { HandOff = true });
        node.Registry().AddKind("pinned", _ => HandOffCounter.Props(), new SpawnKindOptions { HandOff = true, Immovable = true });
    }
}
