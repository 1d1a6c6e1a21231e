using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// Placement follows membership: new keys spread evenly over the members that may host them, and
/// a node that joins takes its share of new keys at once, while nothing running moves.
/// </summary>
public sealed class PlacementSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task A_fourth_node_that_joins_three_busy_ones_takes_a_quarter_of_the_new_keys()
    {
        var nodes = await StartCluster(3);
        var (props, _) = CountedProcess.ForNewRun();
        var before = Enumerable.Range(0, 3000).Select(i => $"before/{i}").ToArray();
        await Spawn(nodes, before, props);
        await AwaitReplicated(nodes[0], before);
        var shares = before.GroupBy(key => nodes[0].Registry().Lookup(key)!.Node).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, shares.Count);
        Assert.All(shares.Values, count => Assert.InRange(count, 800, 1200));

        var joiner = await StartNode();
        ActorSystem[] all = [.. nodes, joiner];
        await AwaitAssertAsync(() => Assert.All(all, node => Assert.Equal(4, Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up))), Patience);

        var after = Enumerable.Range(0, 2000).Select(i => $"after/{i}").ToArray();
        await Spawn(all, after, props);
        await AwaitReplicated(nodes[0], after);
        var onJoiner = after.Count(key => nodes[0].Registry().Lookup(key)!.Node.Equals(AddressOf(joiner)));
        Assert.InRange(onJoiner, 400, 600); // 25 ± 5 % of 2,000
        // Nothing that ran before moved.
        Assert.All(before, key => Assert.NotEqual(AddressOf(joiner), nodes[0].Registry().Lookup(key)!.Node));
    }

    /// <summary>Until <paramref name="node"/> holds every key (each spawn completed on the node that asked).</summary>
    private Task AwaitReplicated(ActorSystem node, string[] keys) =>
        AwaitAssertAsync(() => Assert.All(keys, key => Assert.True(node.Registry().IsRegistered(key), key)), Patience);

    /// <summary>Spawns the keys from every node in turn, a few hundred at a time.</summary>
    private static async Task Spawn(ActorSystem[] from, string[] keys, Props props)
    {
        foreach (var chunk in keys.Chunk(300))
            await Task.WhenAll(chunk.Select((key, i) => from[i % from.Length].Registry().GetPid(key, props)));
    }
}
