using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>
/// Broadcasts lost in a cut too short for the failure detector (no unreachability, so no
/// snapshot on reachability and no fingerprint exchange) are repaired by the owners' digests, not
/// by DData gossip: the registry's replicator gossips only once an hour here, and the failure
/// detector tolerates a minute of silence.
/// </summary>
public sealed class AntiEntropySpecs(ITestOutputHelper output)
    : ClusterSpec(output, """
        akka.cluster.process-registry.replicator.gossip-interval = 1h
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 60s
        """)
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

    /// <summary>
    /// Regression (churn seed 1): B learnt that A dropped a key from A's snapshot and took the
    /// snapshot's time as the key's removal version, so C's registration of the key, made before
    /// that snapshot but not heard by B yet, stayed older than the removal: B refused it from C's
    /// snapshot and from every later one, until it forgot the removal a minute on.
    /// </summary>
    [Fact]
    public async Task A_key_an_owner_snapshot_drops_takes_another_owners_earlier_registration_heard_later()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await a.Registry().Register("moved", SpawnProcess(a));
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.True(n.Registry().IsRegistered("moved"))), Patience);

        await SetPartition(a, b, cut: true);
        await SetPartition(c, b, cut: true);
        await a.Registry().Unregister("moved");
        await AwaitAssertAsync(() => Assert.False(c.Registry().IsRegistered("moved")), Patience);
        await SetPartition(a, c, cut: true);
        var successor = SpawnProcess(c);
        await c.Registry().Register("moved", successor);

        // B hears of the removal only from A's snapshot, taken after C's registration.
        await SetPartition(a, b, cut: false);
        await AwaitAssertAsync(() => Assert.False(b.Registry().IsRegistered("moved")), Patience);
        await SetPartition(c, b, cut: false);
        await SetPartition(a, c, cut: false);

        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(successor, n.Registry().GetPid("moved"), c)), Patience);
    }

    /// <summary>
    /// A and B each register one key on their side of a brief cut; C hears both, then A's removal,
    /// which is newer than B's registration. B never hears that removal, so B keeps its process
    /// registered while A and C refuse B's older record: C tells B, and B registers it anew.
    /// </summary>
    [Fact]
    public async Task An_owner_that_missed_a_newer_removal_of_its_key_by_another_node_registers_it_anew()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await SetPartition(a, b, cut: true);
        await a.Registry().Register("contested", SpawnProcess(a));
        await AwaitAssertAsync(() => Assert.True(c.Registry().IsRegistered("contested")), Patience);
        var survivor = SpawnProcess(b);
        await b.Registry().Register("contested", survivor);
        await AwaitAssertAsync(() => AssertSamePid(survivor, c.Registry().GetPid("contested"), b), Patience);
        await a.Registry().Unregister("contested");
        await AwaitAssertAsync(() => Assert.False(c.Registry().IsRegistered("contested")), Patience);

        await SetPartition(a, b, cut: false);

        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(survivor, n.Registry().GetPid("contested"), b)), Patience);
    }
}
