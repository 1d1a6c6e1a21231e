using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// The backstop of an owner-partitioned table, writing side: what this node wrote, queued per
/// bucket and written into its slice through the dedicated replicator once per sync interval.
/// </summary>
/// <remarks>A plain class inside its actor: every method runs on the actor's thread.</remarks>
internal sealed class SliceQueue<TRecord>(UniqueAddress self, IActorRef replicator, BucketKeys<TRecord> buckets, RegistryClock clock, ILoggingAdapter log)
    where TRecord : class, IReplicatedRecord
{
    private readonly List<SliceWrite<TRecord>>?[] _unsynced = new List<SliceWrite<TRecord>>?[buckets.Count];

    /// <summary>
    /// Puts every bucket in the local replica, empty if nobody wrote it yet. A replicator that
    /// lacks a key gets it only by asking a peer, which answers with at most max-delta-elements
    /// keys of a chunk in hash order, so a key that sorts late is never sent, however often it is
    /// asked for (a bucket relayed through a third node never arrived). With every key on every
    /// replica, gossip compares digests and sends what differs, until nothing does.
    /// </summary>
    public void HoldEveryBucket()
    {
        foreach (var key in buckets.Keys)
            replicator.Tell(Dsl.Update(key, ReplicatedBucket<TRecord>.Empty, WriteLocal.Instance, data => data));
    }

    /// <summary>Store a record this node wrote (live or tombstone) in its slice.</summary>
    public void Write(TRecord record) => Queue(buckets.IndexOf(record.Key), new RecordWrite<TRecord>(record));

    /// <summary>Take a key this node no longer owns out of its slice.</summary>
    public void Release(string key) => Queue(buckets.IndexOf(key), new ReleaseWrite<TRecord>(key));

    /// <summary>Erase a tombstone that has told every replica what it had to.</summary>
    public void Erase(string key, long version) => Queue(buckets.IndexOf(key), new EraseWrite<TRecord>(key, version));

    /// <summary>Drop removed members' slices from a bucket.</summary>
    public void Prune(int bucket, PruneWrite<TRecord> prune) => Queue(bucket, prune);

    /// <summary>Writes what was queued since the last sync, one update per bucket.</summary>
    public void Sync()
    {
        for (var bucket = 0; bucket < _unsynced.Length; bucket++)
        {
            var writes = _unsynced[bucket];
            if (writes is null) continue;
            _unsynced[bucket] = null;
            replicator.Tell(Dsl.Update(buckets.Keys[bucket], ReplicatedBucket<TRecord>.Empty, WriteLocal.Instance,
                data => SliceWrite<TRecord>.ApplyAll(data, writes, self, clock.WallTicks)));
        }
    }

    public void UpdateAnswered(IUpdateResponse response)
    {
        if (response is IUpdateFailure { Cause: { } cause })
            log.Error(cause, "Backstop write to {0} failed.", response.Key.Id);
    }

    private void Queue(int bucket, SliceWrite<TRecord> write) => (_unsynced[bucket] ??= new List<SliceWrite<TRecord>>()).Add(write);
}
