using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// The backstop of an owner-partitioned table, reading side: each owner writes its slice of the
/// buckets it touched (<see cref="SliceQueue{TRecord}"/>), and every reconcile interval this reads
/// what the others wrote into its <see cref="IReplica{TRecord}"/>. DData gossip converges
/// after partitions, joins and restarts, where peer replication may have lost messages. While a
/// member is unreachable, nodes also compare bucket fingerprints and exchange differing copies,
/// which carries records across a partial cut. The leader prunes removed members' slices.
/// </summary>
/// <remarks>
/// A plain class inside its actor: every method runs on the actor's thread.
/// <paramref name="isLeader"/> says whether this node prunes removed members' slices (the table's leader).
/// </remarks>
internal sealed class BucketSync<TRecord>(
    UniqueAddress self,
    IActorRef replicator,
    BucketKeys<TRecord> buckets,
    SliceQueue<TRecord> queue,
    IReplica<TRecord> replica,
    ReplicationGate<TRecord> gate,
    Func<bool> isLeader)
    where TRecord : class, IReplicatedRecord
{
    // Bounds what one comparison ships (each copy is a whole bucket); the rest goes next interval.
    private const int BucketCopiesPerComparison = 64;

    // Each bucket as last read from the replicator, to see what changed since.
    private readonly ReplicatedBucket<TRecord>?[] _lastRead = new ReplicatedBucket<TRecord>?[buckets.Count];
    private readonly HashSet<UniqueAddress> _removedOwners = new();
    // Members some node cannot reach (the cluster's reachability is everyone's observations).
    private readonly HashSet<Address> _unreachable = new();
    private readonly Dictionary<Address, long[]> _peerFingerprints = new();

    /// <summary>Whether some member is unreachable, so fingerprints are worth comparing.</summary>
    public bool AnyUnreachable => _unreachable.Count > 0;

    // ---- the others' slices ------------------------------------------------------------------

    /// <summary>Asks the replicator for every bucket; the answers come as <see cref="Read"/>.</summary>
    public void ReadAll()
    {
        foreach (var key in buckets.Keys)
            replicator.Tell(Dsl.Get(key, ReadLocal.Instance));
    }

    public void Read(GetSuccess read)
    {
        if (!buckets.TryIndexOf(read.Key, out var bucket)) return;
        var data = read.Get(buckets.Keys[bucket]);
        // The replicator hands out the same instance until the bucket changes.
        if (!ReferenceEquals(data, _lastRead[bucket]))
            Reconcile(bucket, data);
    }

    /// <summary>
    /// Merges what changed in a bucket since it was last read: only the slices that are not the
    /// very instances read last time, and in those only the records that are not.
    /// </summary>
    private void Reconcile(int bucket, ReplicatedBucket<TRecord> data)
    {
        var previous = _lastRead[bucket];
        _lastRead[bucket] = data;
        foreach (var (owner, slice) in data.Slices)
        {
            // This node is the authority on its own records; the replicated copy of them is for the others.
            if (owner.Equals(self)) continue;
            var before = previous?.Slices.GetValueOrDefault(owner);
            if (ReferenceEquals(slice, before)) continue;
            foreach (var record in slice.Records)
            {
                if (before is not null && ReferenceEquals(before.Find(record.Key), record)) continue;
                // Only an owner's slice may carry its records, as only the owner may send them.
                if (gate.Problem(record, owner) is { } problem)
                {
                    gate.Refuse(owner.Address, "bucket", $"record [{WellFormedText.Printable(record.Key)}] in {owner}'s slice: {problem}");
                    continue;
                }
                replica.Merge(record);
            }
            if (before is not null)
                replica.Vanished(before.Records.Where(record => record.Owner.Equals(owner) && slice.Find(record.Key) is null));
        }
        if (previous is not null)
            replica.Vanished(previous.Slices.Where(pair => !pair.Key.Equals(self) && !data.Slices.ContainsKey(pair.Key))
                .SelectMany(pair => pair.Value.Records.Where(record => record.Owner.Equals(pair.Key))));
    }

    // ---- partial cuts ------------------------------------------------------------------------

    public void SendFingerprints(IEnumerable<IActorRef> peers)
    {
        var fingerprints = new BucketFingerprints(_lastRead.Select(BucketFingerprint.Of).ToArray());
        foreach (var peer in peers)
            peer.Tell(fingerprints);
    }

    /// <summary>
    /// Sends the peer this replica's copy of each bucket whose fingerprint differs from the peer's,
    /// where the peer's did not change since its previous comparison: a bucket still being written
    /// differs only by what is already on its way, and shipping it every interval would cost what
    /// a faster DData gossip costs.
    /// </summary>
    public void CompareFingerprints(BucketFingerprints theirs, IActorRef sender)
    {
        if (gate.Member(sender, nameof(BucketFingerprints)) is null) return;
        // Another distributed-key-count: that node's buckets are not these.
        if (theirs.Fingerprints.Length != _lastRead.Length) return;
        var peer = sender.Path.Address;
        var previous = _peerFingerprints.GetValueOrDefault(peer);
        _peerFingerprints[peer] = theirs.Fingerprints;
        if (previous is null) return;
        var copies = 0;
        for (var bucket = 0; bucket < _lastRead.Length && copies < BucketCopiesPerComparison; bucket++)
        {
            var fingerprint = theirs.Fingerprints[bucket];
            if (fingerprint != previous[bucket] || fingerprint == BucketFingerprint.Of(_lastRead[bucket])) continue;
            sender.Tell(new BucketCopy<TRecord>(bucket, _lastRead[bucket] ?? ReplicatedBucket<TRecord>.Empty, Answer: true));
            copies++;
        }
    }

    /// <summary>
    /// Merges a peer's copy of a bucket into this replica, through the replicator, which also
    /// drops what its pruning already removed; the next read brings the result into the replica.
    /// </summary>
    public void MergeCopy(BucketCopy<TRecord> copy, IActorRef sender)
    {
        const string message = nameof(BucketCopy<TRecord>);
        if (gate.Member(sender, message) is null) return;
        if (copy.Bucket < 0 || copy.Bucket >= _lastRead.Length) return;
        // No slice may run ahead of the clock. This node's own slice (and any mark of it as
        // removed) is its own to write: an honest copy carries the slice as the peer last read it,
        // so it is left out rather than refused, or no copy would ever cross a partial cut.
        var latest = gate.Latest;
        if (copy.Data.Slices.Any(pair => pair.Value.Version > latest))
        {
            gate.Refuse(sender.Path.Address, message, "it carries a slice ahead of the clock");
            return;
        }
        var offered = copy.Data.OfferedTo(self);
        replicator.Tell(Dsl.Update(buckets.Keys[copy.Bucket], ReplicatedBucket<TRecord>.Empty, WriteLocal.Instance, data => data.Merge(offered)));
        if (copy.Answer)
            sender.Tell(new BucketCopy<TRecord>(copy.Bucket, (_lastRead[copy.Bucket] ?? ReplicatedBucket<TRecord>.Empty).Merge(offered), Answer: false));
    }

    // ---- membership --------------------------------------------------------------------------

    public void Unreachable(Address member) => _unreachable.Add(member);

    public void Reachable(Address member) => _unreachable.Remove(member);

    public void MemberRemoved(UniqueAddress member)
    {
        _unreachable.Remove(member.Address);
        _peerFingerprints.Remove(member.Address);
        _removedOwners.Add(member);
        SweepRemovedOwners();
    }

    /// <summary>The leader drops removed members' slices; the periodic run catches slices it had not
    /// read yet at the first sweep, and those a new leader finds.</summary>
    public void SweepRemovedOwners()
    {
        if (_removedOwners.Count == 0 || !isLeader()) return;
        var prune = new PruneWrite<TRecord>(_removedOwners.ToImmutableHashSet());
        for (var bucket = 0; bucket < _lastRead.Length; bucket++)
        {
            if (_lastRead[bucket] is { } data && data.Slices.Keys.Any(_removedOwners.Contains))
                queue.Prune(bucket, prune);
        }
    }
}
