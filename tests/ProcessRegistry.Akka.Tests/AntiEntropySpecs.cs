using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <summary>
/// Broadcasts lost in a cut too short for the failure detector (no unreachability, so no
/// snapshot on reachability) are repaired by the owners' digests, not by DData gossip: the
/// registry's replicator gossips only once an hour here.
/// </summary>
public sealed class AntiEntropySpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.replicator.gossip-interval = 1h")
{
    [Fact]
    public async Task Removals_a_node_missed_during_a_brief_cut_reach_it_through_the_owners_digest()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var pids = Enumerable.Range(0, 10).Select(_ => SpawnProcess(b)).ToArray();
        for (var i = 0; i < pids.Length; i++)
            await b.Registry().Register($"brief/{i}", pids[i]);
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Equal(10, n.Registry().Count)), Patience);

        await SetPartition(a, b, cut: true);
        await SetPartition(c, b, cut: true);
        foreach (var pid in pids[..5])
            b.Stop(pid);
        await AwaitAssertAsync(() => Assert.Equal(5, b.Registry().Count), Patience);
        await SetPartition(a, b, cut: false);
        await SetPartition(c, b, cut: false);

        await AwaitAssertAsync(() =>
        {
            foreach (var node in new[] { a, c })
            {
                Assert.Equal(5, node.Registry().Count);
                Assert.All(Enumerable.Range(5, 5), i => Assert.True(node.Registry().IsRegistered($"brief/{i}")));
            }
        }, Patience);
    }
}
