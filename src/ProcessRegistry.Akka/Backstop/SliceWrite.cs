using Akka.Cluster;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// One change waiting to go into a bucket of the replicated data. The backstop coalesces a
/// bucket's changes into one Update per sync interval, so a burst of writes costs the replicator
/// one merge and one digest of the bucket, and this node's slice one copy, not one per write.
/// </summary>
internal abstract record SliceWrite<TRecord>
    where TRecord : class, IReplicatedRecord
{
    /// <summary>
    /// Applies <paramref name="writes"/> in order to <paramref name="data"/>, where this node is
    /// <paramref name="self"/> and its wall clock reads <paramref name="wallTicks"/>.
    /// </summary>
    public static ReplicatedBucket<TRecord> ApplyAll(ReplicatedBucket<TRecord> data, IEnumerable<SliceWrite<TRecord>> writes, UniqueAddress self, long wallTicks)
    {
        var mine = new OwnerSlice<TRecord>.Editor(data.SliceOf(self));
        foreach (var write in writes)
            data = write.Apply(data, mine);
        return data.Edit(self, _ => mine.ToSlice(wallTicks));
    }

    /// <summary>Edits this node's slice through <paramref name="mine"/>, or returns an edited bucket.</summary>
    protected abstract ReplicatedBucket<TRecord> Apply(ReplicatedBucket<TRecord> data, OwnerSlice<TRecord>.Editor mine);
}

/// <summary>
/// Store a record (live or tombstone) whose version its owner already chose, in this node's
/// slice, unless the slice already holds a newer one for the key.
/// </summary>
internal sealed record RecordWrite<TRecord>(TRecord Record) : SliceWrite<TRecord>
    where TRecord : class, IReplicatedRecord
{
    protected override ReplicatedBucket<TRecord> Apply(ReplicatedBucket<TRecord> data, OwnerSlice<TRecord>.Editor mine)
    {
        if (mine.Find(Record.Key) is not { } current || current.Version < Record.Version)
            mine.Put(Record);
        return data;
    }
}

/// <summary>Erase a tombstone that has told every replica what it had to.</summary>
internal sealed record EraseWrite<TRecord>(string Key, long Version) : SliceWrite<TRecord>
    where TRecord : class, IReplicatedRecord
{
    protected override ReplicatedBucket<TRecord> Apply(ReplicatedBucket<TRecord> data, OwnerSlice<TRecord>.Editor mine)
    {
        if (mine.Find(Key) is { IsLive: false } current && current.Version == Version)
            mine.Remove(Key);
        return data;
    }
}

/// <summary>
/// Take a key this node no longer owns out of its slice: another owner's newer record replaced
/// it, and this older one must not come back once that record is gone.
/// </summary>
internal sealed record ReleaseWrite<TRecord>(string Key) : SliceWrite<TRecord>
    where TRecord : class, IReplicatedRecord
{
    protected override ReplicatedBucket<TRecord> Apply(ReplicatedBucket<TRecord> data, OwnerSlice<TRecord>.Editor mine)
    {
        mine.Remove(Key);
        return data;
    }
}

/// <summary>Drop the slices of removed members (never this node's own, which the editor holds).</summary>
internal sealed record PruneWrite<TRecord>(IReadOnlySet<UniqueAddress> Owners) : SliceWrite<TRecord>
    where TRecord : class, IReplicatedRecord
{
    protected override ReplicatedBucket<TRecord> Apply(ReplicatedBucket<TRecord> data, OwnerSlice<TRecord>.Editor mine) => data.WithoutOwners(Owners);
}
