using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>A node reports ready once it is an Up member holding what its peers held when it met them.</summary>
public sealed class ReadinessSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task A_joining_node_is_ready_only_once_it_holds_every_entry_its_peers_had()
    {
        var nodes = await StartCluster(2);
        // The registry hears that its node is Up by a subscription, a moment after the cluster's own view says so.
        await AwaitAssertAsync(() => Assert.All(nodes, node => Assert.True(node.Registry().IsReady, node.Registry().NotReadyReason)), Patience);
        await nodes[0].Registry().RegisterMany(Enumerable.Range(0, 3000).Select(i => ($"ready/a/{i}", SpawnProcess(nodes[0]))).ToList());
        await nodes[1].Registry().RegisterMany(Enumerable.Range(0, 3000).Select(i => ($"ready/b/{i}", SpawnProcess(nodes[1]))).ToList());
        await AwaitAssertAsync(() => Assert.All(nodes, node => Assert.Equal(6000, node.Registry().Count)), Patience);

        var joiner = await StartNode();

        // Ready means holding every entry: the first moment it says so, nothing may be missing.
        await AwaitConditionAsync(() => Task.FromResult(joiner.Registry().IsReady), Patience);
        Assert.Equal(6000, joiner.Registry().Count);
        Assert.Equal(MemberStatus.Up, Cluster.Get(joiner).SelfMember.Status);
    }
}
