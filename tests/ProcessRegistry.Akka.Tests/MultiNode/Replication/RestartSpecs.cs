using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>A registry actor restarted at the worst moment hides nothing and tells every node the same reasons.</summary>
public sealed class RestartSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private const int Entries = 900;

    [Fact]
    public async Task A_peer_restarted_in_the_middle_of_an_owners_snapshot_drops_none_of_its_entries()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        await RegisterMany(a, b, "snap");
        var parts = SnapshotOf(a, id: 4711, parts: 3);
        var toB = RegistryActorAt(a, b);
        var asA = await RegistryWorkerOf(a);
        toB.Tell(parts[0], asA);
        toB.Tell(parts[1], asA);
        await AfterWhatASent(a, b, "marker/1");

        (await RegistryWorkerOf(b)).Tell(Kill.Instance);
        await AwaitAssertAsync(async () => await b.Registry().Register("after-kill", SpawnProcess(b)), Patience);
        var removals = Removals(b);
        toB.Tell(parts[2], asA);
        await AfterWhatASent(a, b, "marker/2");

        // Two anti-entropy rounds: a dropped entry would be gone now, and back only after minutes.
        await removals.ExpectNoMsgAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Entries + 3, b.Registry().Count);
    }

    [Fact]
    public async Task Entries_a_stale_snapshot_left_out_come_back_within_one_repair_interval()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        await RegisterMany(a, b, "stale");
        var whole = SnapshotOf(a, id: 99, parts: 1)[0];
        var stale = whole with { Records = whole.Records.Take(Entries / 2).ToList() };

        RegistryActorAt(a, b).Tell(stale, await RegistryWorkerOf(a));
        await AwaitAssertAsync(() => Assert.True(b.Registry().Count < Entries), Patience);

        // The owner's digest (every 2 s) shows the difference, B asks for a snapshot, and the
        // owner's word that the entries are live outweighs the earlier snapshot's silence.
        await AwaitAssertAsync(() => Assert.Equal(Entries, b.Registry().Count), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_process_that_dies_while_its_registry_actor_restarts_is_reported_Terminated_on_every_node()
    {
        var nodes = await StartCluster(3);
        var a = nodes[0];
        for (var cycle = 0; cycle < 5; cycle++)
        {
            var key = $"restart/{cycle}";
            var process = SpawnProcess(a);
            await a.Registry().Register(key, process);
            await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.True(n.Registry().IsRegistered(key))), Patience);
            var watchers = nodes.Skip(1).Select(Removals).ToList();

            (await RegistryWorkerOf(a)).Tell(Kill.Instance);
            a.Stop(process);

            foreach (var watcher in watchers)
            {
                var removed = await watcher.ExpectMsgAsync<ProcessUnregistered>(Patience);
                Assert.Equal((key, UnregisterReason.Terminated), (removed.Key, removed.Reason));
            }
        }
    }

    private async Task RegisterMany(ActorSystem owner, ActorSystem peer, string prefix)
    {
        await owner.Registry().RegisterMany(Enumerable.Range(0, Entries).Select(i => ($"{prefix}/{i}", SpawnProcess(owner))).ToList());
        await AwaitAssertAsync(() => Assert.Equal(Entries, peer.Registry().Count), Patience);
    }

    /// <summary>What the owner would send as a snapshot of all it owns, in <paramref name="parts"/> parts.</summary>
    private static OwnerSnapshot[] SnapshotOf(ActorSystem owner, long id, int parts)
    {
        var self = Cluster.Get(owner).SelfUniqueAddress;
        var records = owner.Registry().View.Entries.Where(e => e.Owner.Equals(self)).ToList();
        var size = (records.Count + parts - 1) / parts;
        var takenAt = records.Max(r => r.Version) + 1;
        return Enumerable.Range(0, parts)
            .Select(i => new OwnerSnapshot(self, id, i, parts, takenAt, records.Skip(i * size).Take(size).ToList()))
            .ToArray();
    }

    /// <summary>Registers a key on <paramref name="a"/> and waits until <paramref name="b"/> has it: what A sent B before is handled by then.</summary>
    private async Task AfterWhatASent(ActorSystem a, ActorSystem b, string marker)
    {
        await a.Registry().Register(marker, SpawnProcess(a));
        await AwaitAssertAsync(() => Assert.True(b.Registry().IsRegistered(marker)), Patience);
    }

    /// <summary>A probe that hears <paramref name="node"/>'s removals only.</summary>
    private global::Akka.TestKit.TestProbe Removals(ActorSystem node)
    {
        var probe = CreateTestProbe(node);
        probe.IgnoreMessages(message => message is not ProcessUnregistered);
        node.Registry().Subscribe(probe.Ref);
        return probe;
    }
}
