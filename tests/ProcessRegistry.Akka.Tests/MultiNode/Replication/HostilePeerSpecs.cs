using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Serialization;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>
/// A node that never joined, and a member, forge every kind of replication and spawn message the
/// registry actors exchange. Each attack is refused (counted on the node attacked), and no entry
/// on any node changes.
/// </summary>
public sealed class HostilePeerSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task A_node_that_never_joined_is_refused_whatever_it_sends()
    {
        var nodes = await StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        var before = await RegisterVictims(a, b);
        var intruder = ActorSystem.Create("intruder", ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, applied-adapters = [trttl] }
            akka.loglevel = WARNING
            """).WithFallback(ClusterProcessRegistry.DefaultConfig()));
        try
        {
            var sender = intruder.ActorOf(Props.Create<Silent>(), "attacker");
            var target = RegistryActorAt(intruder, a);
            var ownerA = Cluster.Get(a).SelfUniqueAddress;
            var victim = RemoteRef(intruder, a.Registry().GetPid("victim/a")!, a);
            var intruderPid = sender; // a process of the intruder's, to hijack a key with
            var attacks = Attacks(ownerA, intruderPid, a, fromMember: false).ToList();

            foreach (var attack in attacks)
                target.Tell(attack, sender);

            await AwaitAssertAsync(() => Assert.True(a.Registry().Metrics.RefusedTotal >= attacks.Count), Patience);
            await AssertUnchanged(nodes, before);
        }
        finally
        {
            await intruder.Terminate();
        }
    }

    [Fact]
    public async Task A_member_cannot_write_remove_or_snapshot_another_owners_keys()
    {
        var nodes = await StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        var before = await RegisterVictims(a, b);
        var target = RegistryActorAt(b, a);
        var member = await RegistryWorkerOf(b); // the sender address every attack shows: a real member's
        var ownerA = Cluster.Get(a).SelfUniqueAddress;
        var victim = RemoteRef(b, a.Registry().GetPid("victim/a")!, a);
        var processOfB = b.Registry().GetPid("victim/b")!;
        var attacks = Attacks(ownerA, processOfB, a, fromMember: true).ToList();
        // Records B does own, but which no owner may send: beyond the clock, of a process elsewhere, ill-formed.
        var ownerB = Cluster.Get(b).SelfUniqueAddress;
        var now = DateTime.UtcNow.Ticks;
        var forgedOwnRecords = new[]
        {
            Record("victim/a", processOfB, ownerB, version: long.MaxValue),
            Record("victim/a", processOfB, ownerB, version: now + TimeSpan.FromDays(2).Ticks),
            Record("victim/a", processOfB, ownerB, version: now, registeredAt: long.MaxValue),
            Record("victim/a", victim, ownerB, version: now + 1),
            Record(new string('k', 513), processOfB, ownerB, version: now + 1),
            Record("", processOfB, ownerB, version: now + 1),
            Record("victim/big", processOfB, ownerB, version: now + 1, metadata: Enumerable.Range(0, 40).ToImmutableDictionary(i => $"l{i}", i => "v")),
        };
        attacks.AddRange(forgedOwnRecords.Select(record => new RecordsChanged([record])));
        attacks.AddRange(forgedOwnRecords.Select(record => new OwnerSnapshot(ownerB, 1, 0, 1, now, [record])));

        foreach (var attack in attacks)
            target.Tell(attack, member);

        await AwaitAssertAsync(() => Assert.True(a.Registry().Metrics.RefusedTotal >= attacks.Count), Patience);
        await AssertUnchanged(nodes, before);
        // A removal relayed by a member about a key A owns only makes A tell its record again, newer.
        target.Tell(new RemovalHints([Record("victim/a", processOfB, ownerB, version: now + 5_000_000).AsTombstone(UnregisterReason.Unregistered, now + 5_000_001)]), member);
        await AwaitAssertAsync(() => Assert.True(b.Registry().Lookup("victim/a")!.Version > now + 5_000_001), Patience);
        await AssertUnchanged(nodes, before);
    }

    [Fact]
    public async Task A_spawn_request_naming_a_type_the_host_does_not_allow_is_refused_before_the_type_is_loaded()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var forged = new SpawnRequest("evil", Props.Create<Silent>(), [1, 1, 0x7F, 0x7F, 0x7F, 0x7F]);
        var request = new SpawnBatch(3, [forged, forged with { Key = "evil/2" }]);
        var bytes = ((ExtendedActorSystem)a).Serialization.FindSerializerFor(request).ToBinary(request);
        // The type name as an attacker would write it: one no host allows, from an assembly that does not exist.
        var name = ProcessRegistrySettings.AllowedTypeName(typeof(Silent));
        var evil = System.Text.Encoding.UTF8.GetBytes("Evil.Gadget, Evil.Assembly".PadRight(name.Length, ' '));
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(name));
        Assert.True(at > 0);
        evil.CopyTo(bytes, at);

        var read = (SpawnBatch)((ExtendedActorSystem)b).Serialization.Deserialize(bytes, SpawnSerializer.SerializerId, "G");

        Assert.All(read.Requests, r =>
        {
            Assert.Null(r.Props);
            Assert.Contains("allowed-types", r.Refusal);
        });
        Assert.Equal(new[] { "evil", "evil/2" }, read.Requests.Select(r => r.Key));
    }

    [Fact]
    public async Task Spawn_requests_naming_ever_new_dispatchers_and_mailboxes_leave_the_hosts_caches_bounded()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var serialization = ((ExtendedActorSystem)a).Serialization;
        var allowed = Props.Create<CountedProcess>("cache");

        for (var i = 0; i < 20_000; i++)
        {
            var props = i % 2 == 0 ? allowed.WithDispatcher($"dispatcher-{i}") : allowed.WithMailbox($"mailbox-{i}");
            var batch = new SpawnBatch(1, [new SpawnRequest($"cache/{i}", props, PropsWire.WriteArguments(props, serialization))]);
            var read = (SpawnBatch)((ExtendedActorSystem)b).Serialization.Deserialize(serialization.FindSerializerFor(batch).ToBinary(batch), SpawnSerializer.SerializerId, "G");
            Assert.Contains("the host has no", read.Requests[0].Refusal);
        }

        Assert.InRange(PropsWire.CachedEntries, 0, 4 * 1024);
    }

    /// <summary>Every replication message, as one that is not the owner of what it names would send it.</summary>
    /// <remarks>A member may ask for snapshots and compare fingerprints: only a non-member's are attacks.</remarks>
    private static IEnumerable<object> Attacks(UniqueAddress ownerA, IActorRef hijacker, ActorSystem a, bool fromMember)
    {
        var now = DateTime.UtcNow.Ticks;
        var held = a.Registry().View.TryGet("victim/a", out var record) ? record : throw new InvalidOperationException("victim/a is not registered");
        // A's own record of the key: a hijack to another process, a removal, a poisoned version.
        var hijack = held with { Pid = hijacker, Version = held.Version + 1 };
        var removal = held.AsTombstone(UnregisterReason.Unregistered, held.Version + 1);
        var poisoned = held with { Version = long.MaxValue };
        foreach (var forged in new[] { hijack, removal, poisoned })
        {
            yield return new RecordsChanged([forged]);
            yield return new OwnerSnapshot(ownerA, 9, 0, 1, now, [forged]);
        }
        // An empty snapshot "of A": every entry of A's would go from the node.
        yield return new OwnerSnapshot(ownerA, 10, 0, 1, long.MaxValue, []);
        yield return new OwnerDigest(ownerA, 0, 0);
        if (!fromMember)
        {
            yield return SnapshotRequest.Instance;
            yield return new BucketFingerprints(new long[a.Registry().Settings.DistributedKeyCount]);
        }
        yield return new BucketCopy(0, RegistryBucket.Empty.Edit(ownerA, _ => RegistrySlice.Of(long.MaxValue, [removal])), Answer: true);
        yield return new RemovalHints([hijack]); // a hint is a removal, never a record to take
    }

    private static EntryRecord Record(string key, IActorRef pid, UniqueAddress owner, long version, long registeredAt = 1, ImmutableDictionary<string, string>? metadata = null) =>
        new(key, pid, owner, metadata ?? ImmutableDictionary<string, string>.Empty, registeredAt, version, null);

    private async Task<Dictionary<Address, List<string>>> RegisterVictims(ActorSystem a, ActorSystem b)
    {
        await a.Registry().Register("victim/a", SpawnProcess(a), new Dictionary<string, string> { ["owner"] = "a" });
        await b.Registry().Register("victim/b", SpawnProcess(b), new Dictionary<string, string> { ["owner"] = "b" });
        await AwaitAssertAsync(() => Assert.All(new[] { a, b }, n => Assert.Equal(2, n.Registry().Count)), Patience);
        return Describe(new[] { a, b });
    }

    private async Task AssertUnchanged(ActorSystem[] nodes, Dictionary<Address, List<string>> before)
    {
        // Every attack was handled (refused) before this: whatever had got through would show here.
        Assert.Equal(before, Describe(nodes));
        await Task.CompletedTask;
    }

    private static Dictionary<Address, List<string>> Describe(IEnumerable<ActorSystem> nodes) =>
        nodes.ToDictionary(AddressOf, node => node.Registry().Entries()
            .Select(e => $"{e.Key} {e.Pid.Path.ToStringWithAddress(e.Node)} {e.Node} {string.Join(",", e.Metadata.OrderBy(m => m.Key))}")
            .Order()
            .ToList());

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }
}
