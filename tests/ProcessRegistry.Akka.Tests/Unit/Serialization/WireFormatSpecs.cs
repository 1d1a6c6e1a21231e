using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Serialization;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Serialization;

/// <summary>
/// Golden bytes: every message the library puts on the wire, written from fixed input and compared
/// with the bytes in <c>wire-format-v1.txt</c>. A change of format that was not meant fails here;
/// one that was meant bumps the wire format version and adds a fixture for it (run once with
/// <c>UPDATE_WIRE_FIXTURES=1</c> to write the file). Every payload also reads back to the same bytes,
/// and a payload of a version this build does not know is refused by name.
/// </summary>
public sealed class WireFormatSpecs : IDisposable
{
    private static readonly string FixturePath = Path.Combine(Repository.Root, "tests", "ProcessRegistry.Akka.Tests", "Unit", "Serialization", "wire-format-v1.txt");

    // Nodes that never run: their addresses only name owners and pids, the same on every machine.
    private static readonly Address NodeA = Address.Parse("akka.tcp://golden@10.0.0.1:2552");
    private static readonly Address NodeB = Address.Parse("akka.tcp://golden@10.0.0.2:2552");
    private static readonly UniqueAddress OwnerA = new(NodeA, 11);
    private static readonly UniqueAddress OwnerB = new(NodeB, 22);

    private readonly ExtendedActorSystem _system = (ExtendedActorSystem)ActorSystem.Create("golden", ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.process-registry.spawn.allowed-types = ["{{ProcessRegistrySettings.AllowedTypeName(typeof(DefaultLogger))}}"]
        akka.loglevel = WARNING
        """).WithFallback(ClusterProcessRegistry.DefaultConfig()));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Fact]
    public void Every_message_writes_the_bytes_of_wire_format_1_and_reads_back_to_them()
    {
        var written = Messages().Select(named => (named.Name, Line: Write(named.Message))).ToList();
        var text = string.Join("\n", written.Select(w => $"{w.Name} {w.Line}")) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_WIRE_FIXTURES") == "1")
            File.WriteAllText(FixturePath, text);

        var expected = File.ReadAllLines(FixturePath).Where(line => line.Length > 0).ToDictionary(line => line[..line.IndexOf(' ')], line => line[(line.IndexOf(' ') + 1)..]);
        Assert.Equal(expected.Keys.Order(), written.Select(w => w.Name).Order());
        foreach (var (name, line) in written)
            Assert.True(expected[name] == line, $"{name} changed its bytes:\n  fixture {expected[name]}\n  now     {line}");

        foreach (var (name, message) in Messages())
        {
            var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            var read = serializer.FromBinary(bytes, serializer.Manifest(message));
            Assert.True(bytes.AsSpan().SequenceEqual(serializer.ToBinary(read)), $"{name} does not read back to its own bytes");
        }
    }

    [Fact]
    public void Every_payload_starts_with_its_wire_format_version()
    {
        foreach (var (name, message) in Messages())
        {
            var bytes = _system.Serialization.FindSerializerFor(message).ToBinary(message);
            Assert.True(bytes[0] == 1, $"{name} starts with {bytes[0]}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void A_payload_of_a_wire_format_this_build_does_not_read_is_refused_by_name(byte version)
    {
        foreach (var (name, message) in Messages())
        {
            var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            bytes[0] = version;
            var refused = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, serializer.Manifest(message)));
            Assert.Contains($"wire format {version}", refused.Message);
        }
    }

    [Fact]
    public void An_empty_payload_is_refused()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(SnapshotRequest.Instance);
        Assert.Throws<SerializationException>(() => serializer.FromBinary([], serializer.Manifest(SnapshotRequest.Instance)));
    }

    [Fact]
    public void A_spawn_request_of_a_form_this_build_does_not_know_is_refused_by_its_tag()
    {
        var batch = new SpawnBatch(4, [SpawnRequest.OfKind("room/k", "room")]);
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(batch);
        var bytes = serializer.ToBinary(batch);
        // Version, shard, no props shapes, one request, the key's length and its six characters: the tag.
        const int tag = 1 + 1 + 1 + 1 + 1 + 6;
        Assert.Equal(1, bytes[tag]);
        bytes[tag] = 7;
        var refused = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, serializer.Manifest(batch)));
        Assert.Contains("tag 7", refused.Message);
    }

    /// <summary>"serializer-id manifest hex"</summary>
    private string Write(object message)
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
        return $"{serializer.Identifier} {serializer.Manifest(message)} {Convert.ToHexString(serializer.ToBinary(message))}";
    }

    private IEnumerable<(string Name, object Message)> Messages()
    {
        var labels = ImmutableDictionary<string, string>.Empty.Add("kind", "room").Add("ü", "✓");
        var live = new EntryRecord("room/lobby", Pid(NodeA, "user/rooms/lobby", 7), OwnerA, labels, 638_000_000_000_000_000, 638_000_000_000_000_001, null);
        var tombstone = new EntryRecord("room/gone", Pid(NodeA, "user/rooms/gone", 8), OwnerA, ImmutableDictionary<string, string>.Empty,
            638_000_000_000_000_002, 638_000_000_000_000_003, UnregisterReason.Terminated);
        var ofB = new EntryRecord("room/b", Pid(NodeB, "system/process-registry-spawn/3/b", 9), OwnerB, ImmutableDictionary<string, string>.Empty,
            638_000_000_000_000_004, 638_000_000_000_000_005, null);
        var away = new EntryRecord("room/away", Pid(NodeB, "user/away", 10), OwnerA, ImmutableDictionary<string, string>.Empty,
            638_000_000_000_000_006, 638_000_000_000_000_007, UnregisterReason.ConflictLost);
        var bucket = RegistryBucket.Empty
            .Edit(OwnerA, _ => RegistrySlice.Of(638_000_000_000_000_010, [live, tombstone, away]))
            .Edit(OwnerB, _ => RegistrySlice.Of(638_000_000_000_000_011, [ofB]));
        var removedBucket = new RegistryBucket(bucket.Slices.Remove(OwnerB), bucket.Removed.Add(OwnerB));

        yield return ("record", live);
        yield return ("register", new RegisterCommand("room/lobby", live.Pid, labels));
        yield return ("unregister", new UnregisterCommand("room/lobby", null));
        yield return ("unregister-pid", new UnregisterCommand("room/lobby", live.Pid));
        yield return ("update-metadata", new UpdateMetadataCommand("room/lobby", new Dictionary<string, string?> { ["kind"] = "hall", ["old"] = null }));
        yield return ("accepted", new RegisterAccepted(live));
        yield return ("taken", new RegisterTaken("room/lobby", ofB.Pid));
        yield return ("rejected", new RegisterRejected("why"));
        yield return ("not-registered", new NotRegistered("room/none"));
        yield return ("unregister-reply", new UnregisterReply(true, "room/gone", tombstone));
        yield return ("unregister-reply-none", new UnregisterReply(false, "room/none", null));
        yield return ("records-changed", new RecordsChanged([live, tombstone, away]));
        yield return ("owner-snapshot", new OwnerSnapshot(OwnerA, 99, 1, 3, 638_000_000_000_000_020, [live, tombstone]));
        yield return ("removal-hints", new RemovalHints([tombstone]));
        yield return ("owner-digest", new OwnerDigest(OwnerA, 2, -1234567890123));
        yield return ("snapshot-request", SnapshotRequest.Instance);
        yield return ("bucket", bucket);
        yield return ("bucket-removed-owner", removedBucket);
        yield return ("bucket-fingerprints", new BucketFingerprints([0, 1, -1, long.MaxValue]));
        yield return ("bucket-copy", new BucketCopy(5, bucket, Answer: true));
        // An actor type whose name does not move with the specs (a batch carries it).
        yield return ("spawn-batch", new SpawnBatch(3, [
            new SpawnRequest("room/x", Props.Create<DefaultLogger>(), PropsWire.NoArguments),
            new SpawnRequest("room/y", Props.Create<DefaultLogger>(), PropsWire.NoArguments),
        ]));
        yield return ("spawn-batch-kinds", new SpawnBatch(4, [SpawnRequest.OfKind("room/k", "room"), SpawnRequest.OfKind("room/l", "room")]));
        yield return ("spawn-batch-revival", new SpawnBatch(4, [SpawnRequest.Revive("room/r", "room"), SpawnRequest.OfKind("room/l", "room")]));
        var client = Pid(NodeA, "system/process-registry-spawn", 12);
        yield return ("start-batch", new StartBatch([
            (SpawnRequest.OfKind("room/k", "room"), client),
            (new SpawnRequest("room/x", Props.Create<DefaultLogger>(), PropsWire.NoArguments), client),
        ]));
        yield return ("spawn-results", new SpawnResults([SpawnResult.Holder(ofB), SpawnResult.Failed("room/f", "it threw"), SpawnResult.AskAgain("room/a")]));
        yield return ("keys-moving", new KeysMoving(["room/lobby", "room/b"]));
        yield return ("keys-moving-seen", KeysMovingSeen.Instance);
        yield return ("prepare-successors", new PrepareSuccessors([("room/lobby", "room"), ("room/b", "room")]));
        yield return ("successors-ready", new SuccessorsReady([("room/lobby", ofB.Pid)]));
        yield return ("register-successors", new RegisterSuccessors([("room/lobby", 638_000_000_000_000_002)]));
        var gone = new UniqueAddress(Address.Parse("akka.tcp://golden@10.0.0.3:2552"), 33);
        // Written in an order other than the wire's: nodes and keys are sorted on the way out.
        var durable = DurableBucket.Empty
            .Edit(OwnerB, entries => entries.SetItem("room/z", new DurableSlice.Entry("room", Running: true)).SetItem("room/b", new DurableSlice.Entry("room", Running: false)))
            .Edit(OwnerA, entries => entries.SetItem("room/lobby", new DurableSlice.Entry("room", Running: true)))
            .Edit(gone, entries => entries.SetItem("room/old", new DurableSlice.Entry("room", Running: true)))
            .Retire(gone);
        yield return ("durable-bucket", durable);
    }

    private IActorRef Pid(Address node, string path, long uid) => _system.Provider.ResolveActorRef($"{node}/{path}#{uid}");
}
