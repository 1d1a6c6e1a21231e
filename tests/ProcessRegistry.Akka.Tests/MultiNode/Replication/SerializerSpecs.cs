using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Serialization;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

/// <summary>
/// Records written on one node and read on another keep every field, whether the pid lives on
/// the record's owner (sent relative to the owner's address) or not (sent as a full path).
/// </summary>
public sealed class SerializerSpecs(ITestOutputHelper output) : ClusterSpec(output, AllowSpawning(typeof(Quiet), typeof(WithArguments)))
{
    [Fact]
    public async Task Records_read_on_another_node_equal_the_records_written()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var ownerA = Cluster.Get(a).SelfUniqueAddress;
        var ownerB = Cluster.Get(b).SelfUniqueAddress;
        var onA = SpawnProcess(a, "on-a");
        var onB = SpawnProcess(b, "on-b");
        var onBSeenFromA = await a.ActorSelection(onB.Path.ToStringWithAddress(AddressOf(b))).ResolveOne(Patience);
        var labels = ImmutableDictionary<string, string>.Empty.Add("kind", "room").Add("ü", "✓");
        var records = new[]
        {
            new EntryRecord("local pid of its owner", onA, ownerA, labels, 1, 2, null),
            new EntryRecord("tombstone", onA, ownerA, ImmutableDictionary<string, string>.Empty, 3, 4, UnregisterReason.Terminated),
            new EntryRecord("remote pid of its owner", onBSeenFromA, ownerB, labels, 5, 6, null),
            new EntryRecord("pid away from its owner", onA, ownerB, labels, 7, 8, UnregisterReason.ConflictLost),
        };

        var read = (RecordsChanged)RoundTrip(a, b, new RecordsChanged(records));
        Assert.Equal(records.Length, read.Records.Count);
        for (var i = 0; i < records.Length; i++)
            AssertSameRecord(records[i], read.Records[i], a, b);

        foreach (var single in records)
            AssertSameRecord(single, (EntryRecord)RoundTrip(a, b, single), a, b);

        var snapshot = (OwnerSnapshot)RoundTrip(a, b, new OwnerSnapshot(ownerA, Id: 7, Part: 2, Parts: 3, TakenAt: 42, records));
        Assert.Equal((ownerA, 7L, 2, 3, 42L), (snapshot.Owner, snapshot.Id, snapshot.Part, snapshot.Parts, snapshot.TakenAt));
        AssertSameRecord(records[3], snapshot.Records[3], a, b);

        var hints = (RemovalHints)RoundTrip(a, b, new RemovalHints([records[0].AsTombstone(UnregisterReason.ConflictLost, records[0].Version + 1)]));
        Assert.Equal(UnregisterReason.ConflictLost, hints.Removals[0].RemovedBecause);
    }

    [Fact]
    public async Task A_bucket_serializes_to_the_same_bytes_on_every_replica_and_reads_back_whole()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var ownerA = Cluster.Get(a).SelfUniqueAddress;
        var ownerB = Cluster.Get(b).SelfUniqueAddress;
        var onA = SpawnProcess(a, "bucket-a");
        var onB = await a.ActorSelection(SpawnProcess(b, "bucket-b").Path.ToStringWithAddress(AddressOf(b))).ResolveOne(Patience);
        // Dictionaries that hash differently from the ones a reader builds, so they enumerate in another order.
        var labels = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase).Add("zone", "eu").Add("kind", "room").Add("tier", "1");
        var ofA = new[] { new EntryRecord("room/2", onA, ownerA, labels, 1, 10, null), new EntryRecord("room/1", onA, ownerA, labels, 2, 11, null) };
        var ofB = new[] { new EntryRecord("room/3", onB, ownerB, ImmutableDictionary<string, string>.Empty, 3, 12, null) };
        var bucket = new RegistryBucket(
            ImmutableDictionary.Create<UniqueAddress, RegistrySlice>(new HashReversed<UniqueAddress>())
                .Add(ownerA, RegistrySlice.Of(20, ofA))
                .Add(ownerB, RegistrySlice.Of(21, ofB)),
            ImmutableHashSet<UniqueAddress>.Empty);

        var read = (RegistryBucket)RoundTrip(a, b, bucket);

        Assert.Equal(bucket.Slices.Keys.ToHashSet(), read.Slices.Keys.ToHashSet());
        foreach (var (owner, slice) in bucket.Slices)
        {
            Assert.Equal(slice.Version, read.SliceOf(owner).Version);
            foreach (var (expected, actual) in slice.Records.Zip(read.SliceOf(owner).Records))
                AssertSameRecord(expected, actual, a, b);
        }
        // The replicator compares replicas by a digest of these bytes: the copy on b, whose
        // dictionaries hash and order differently, must write exactly what a wrote.
        Assert.Equal(Bytes(a, bucket), Bytes(b, read));
        Assert.Equal(BucketFingerprint.Of(bucket), BucketFingerprint.Of(read));

        var copy = (BucketCopy)RoundTrip(a, b, new BucketCopy(7, bucket, Answer: true));
        Assert.Equal((7, true), (copy.Bucket, copy.Answer));
        Assert.Equal(Bytes(a, bucket), Bytes(b, copy.Data));
        long[] fingerprints = [BucketFingerprint.Of(bucket), 0, long.MinValue];
        Assert.Equal(fingerprints, ((BucketFingerprints)RoundTrip(a, b, new BucketFingerprints(fingerprints))).Fingerprints);
    }

    [Fact]
    public async Task Another_nodes_pid_is_read_in_parts_writes_the_same_bytes_unbuilt_and_once_read_reaches_its_process()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var ownerA = Cluster.Get(a).SelfUniqueAddress;
        var ownerB = Cluster.Get(b).SelfUniqueAddress;
        var probe = CreateTestProbe(a);
        var onB = await a.ActorSelection(SpawnProcess(b, "own").Path.ToStringWithAddress(AddressOf(b))).ResolveOne(Patience);
        var records = new[]
        {
            new EntryRecord("room/1", probe.Ref, ownerA, ImmutableDictionary<string, string>.Empty, 1, 10, null),
            new EntryRecord("room/2", onB, ownerB, ImmutableDictionary<string, string>.Empty, 2, 11, null),
        };
        var bucket = new RegistryBucket(
            ImmutableDictionary<UniqueAddress, RegistrySlice>.Empty
                .Add(ownerA, RegistrySlice.Of(20, [records[0]]))
                .Add(ownerB, RegistrySlice.Of(21, [records[1]])),
            ImmutableHashSet<UniqueAddress>.Empty);

        var read = (RegistryBucket)RoundTrip(a, b, bucket);
        var ofA = read.SliceOf(ownerA).Records[0];
        var ofB = read.SliceOf(ownerB).Records[0];

        Assert.NotNull(ofA.PidParts);
        Assert.Null(ofB.PidParts);
        Assert.True(ofB.PidIsLocal);
        Assert.Equal(AddressOf(a), ofA.PidAddress);
        var unbuilt = Bytes(b, read);
        var twin = (RegistryBucket)RoundTrip(a, b, bucket);
        Assert.Equal(twin.SliceOf(ownerA).Records[0], ofA);
        Assert.True(ofA.SamePid(twin.SliceOf(ownerA).Records[0]));

        ofA.Pid.Tell("through the read pid");
        probe.ExpectMsg("through the read pid");
        Assert.Null(ofA.PidParts);
        Assert.Equal(FullPath(probe.Ref, a), FullPath(ofA.Pid, b));
        Assert.Equal(unbuilt, Bytes(b, read));
        Assert.Equal(Bytes(a, bucket), unbuilt);
        // One built, its twin still in parts: still the same process, and the same record.
        Assert.NotNull(twin.SliceOf(ownerA).Records[0].PidParts);
        Assert.True(ofA.SamePid(twin.SliceOf(ownerA).Records[0]));
        Assert.Equal(ofA, twin.SliceOf(ownerA).Records[0]);
    }

    [Fact]
    public async Task A_record_the_readers_view_already_holds_is_read_as_that_very_instance()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var pid = SpawnProcess(a, "shared");
        await a.Registry().Register("shared/key", pid);
        await AwaitConditionAsync(() => Task.FromResult(b.Registry().View.TryGet("shared/key", out _)), Patience);
        b.Registry().View.TryGet("shared/key", out var held);
        var sent = new EntryRecord(new string(held.Key), pid, held.Owner, held.Metadata, held.RegisteredAtTicks, held.Version, null);

        var read = (RecordsChanged)RoundTrip(a, b, new RecordsChanged([sent]));
        Assert.Same(held, read.Records[0]);

        var newer = (RecordsChanged)RoundTrip(a, b, new RecordsChanged([sent with { Version = held.Version + 1 }]));
        Assert.NotSame(held, newer.Records[0]);
        Assert.NotSame(held.Pid, newer.Records[0].Pid);
        Assert.Equal(FullPath(held.Pid, b), FullPath(newer.Records[0].Pid, b));
    }

    [Fact]
    public async Task Spawn_batches_and_their_results_read_on_another_node_keep_every_request_and_answer()
    {
        var (a, b) = await StartCluster(2) switch { var nodes => (nodes[0], nodes[1]) };
        var system = (ExtendedActorSystem)a;
        var settings = a.Registry().Settings;
        var plain = PropsCheck.RequestFor(system, settings, "plain", Props.Create<Quiet>());
        var tuned = PropsCheck.RequestFor(system, settings, "tuned", Props.Create<Quiet>().WithDispatcher("akka.actor.internal-dispatcher").WithMailbox("akka.actor.default-mailbox"));
        var withArguments = PropsCheck.RequestFor(system, settings, "with-arguments", Props.Create(typeof(WithArguments), "lobby", 3, null));
        SpawnRequest[] requests = [plain, tuned, withArguments, plain with { Key = "plain-again" }];

        var batch = (SpawnBatch)RoundTrip(a, b, new SpawnBatch(17, requests));

        Assert.Equal(17, batch.Shard);
        Assert.Equal(requests.Select(r => r.Key), batch.Requests.Select(r => r.Key));
        foreach (var (sent, read) in requests.Zip(batch.Requests))
        {
            Assert.Equal(sent.Props!.Type, read.Props!.Type);
            Assert.Equal(sent.Props.Dispatcher, read.Props.Dispatcher);
            Assert.Equal(sent.Props.Mailbox, read.Props.Mailbox);
            Assert.Equal(sent.Props.Arguments ?? [], read.Props.Arguments ?? []);
        }

        var process = SpawnProcess(a, "spawned");
        var record = new EntryRecord("spawned", process, Cluster.Get(a).SelfUniqueAddress, ImmutableDictionary<string, string>.Empty, 1, 2, null);
        var results = ((SpawnResults)RoundTrip(a, b, new SpawnResults(
            [SpawnResult.Holder(record), SpawnResult.Failed("broken", "it threw"), SpawnResult.AskAgain("stopping")]))).Results;

        AssertSameRecord(record, results[0].Record!, a, b);
        Assert.Equal(("broken", null, "it threw"), (results[1].Key, results[1].Record, results[1].Failure));
        Assert.Equal(("stopping", null, null), (results[2].Key, results[2].Record, results[2].Failure));
    }

    private sealed class Quiet : ReceiveActor;

    private sealed class WithArguments : ReceiveActor
    {
        public WithArguments(string room, int seats, string? topic) => ReceiveAny(_ => { });
    }

    private sealed class HashReversed<T> : IEqualityComparer<T> where T : notnull
    {
        public bool Equals(T? x, T? y) => EqualityComparer<T>.Default.Equals(x, y);

        public int GetHashCode(T obj) => ~obj.GetHashCode();
    }

    private static byte[] Bytes(ActorSystem system, object message) =>
        ((ExtendedActorSystem)system).Serialization.FindSerializerFor(message).ToBinary(message);

    /// <summary>The pid's path with the address of the node it lives on and its uid, wherever the ref was resolved.</summary>
    private static string FullPath(IActorRef pid, ActorSystem resolvedOn) =>
        (pid.Path.Address.HasGlobalScope ? pid.Path.ToString() : pid.Path.ToStringWithAddress(AddressOf(resolvedOn))) + "#" + pid.Path.Uid;

    private static object RoundTrip(ActorSystem writer, ActorSystem reader, object message)
    {
        var write = (SerializerWithStringManifest)((ExtendedActorSystem)writer).Serialization.FindSerializerFor(message);
        var read = (SerializerWithStringManifest)((ExtendedActorSystem)reader).Serialization.FindSerializerForType(message.GetType());
        return read.FromBinary(write.ToBinary(message), write.Manifest(message));
    }

    private static void AssertSameRecord(EntryRecord want, EntryRecord got, ActorSystem writer, ActorSystem reader)
    {
        Assert.Equal(want.Key, got.Key);
        Assert.Equal(FullPath(want.Pid, writer), FullPath(got.Pid, reader));
        Assert.Equal(want.Owner, got.Owner);
        Assert.Equal(want.Metadata.OrderBy(p => p.Key), got.Metadata.OrderBy(p => p.Key));
        Assert.Equal(want.RegisteredAtTicks, got.RegisteredAtTicks);
        Assert.Equal(want.Version, got.Version);
        Assert.Equal(want.RemovedBecause, got.RemovedBecause);
    }
}
