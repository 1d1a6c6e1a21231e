using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <summary>Cuts made with the throttler's blackhole; nobody is downed while a cut lasts.</summary>
public sealed class PartitionSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
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
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.All(keys, k => AssertSamePid(onC.Ref, n.Registry().GetPid(k), c))), Patience);
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
}
