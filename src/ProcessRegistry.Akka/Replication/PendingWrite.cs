using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// One change waiting to go into a bucket of the replicated data. The registry actor coalesces a
/// bucket's changes into one Update per sync interval, so a burst of writes costs the replicator
/// one merge and one digest of the bucket, not one per write.
/// </summary>
internal abstract record PendingWrite
{
    public abstract RegistryBucket ApplyTo(RegistryBucket data, UniqueAddress self);
}

/// <summary>
/// Store a record (live or tombstone) whose version its owner already chose, in this node's
/// slice, unless the slice already holds a newer one for the key.
/// </summary>
internal sealed record RecordWrite(EntryRecord Record) : PendingWrite
{
    public override RegistryBucket ApplyTo(RegistryBucket data, UniqueAddress self) =>
        data.Edit(self, slice => slice.Find(Record.Key) is { } current && current.Version >= Record.Version ? slice : slice.Put(Record));
}

/// <summary>Erase a tombstone that has told every replica what it had to.</summary>
internal sealed record EraseWrite(string Key, long Version) : PendingWrite
{
    public override RegistryBucket ApplyTo(RegistryBucket data, UniqueAddress self) =>
        data.Edit(self, slice => slice.Find(Key) is { IsLive: false } current && current.Version == Version ? slice.Remove(Key) : slice);
}

/// <summary>
/// Take a key this node no longer owns out of its slice: another owner's newer record replaced
/// it, and this older one must not come back once that record is gone.
/// </summary>
internal sealed record ReleaseWrite(string Key) : PendingWrite
{
    public override RegistryBucket ApplyTo(RegistryBucket data, UniqueAddress self) => data.Edit(self, slice => slice.Remove(Key));
}

/// <summary>Drop the slices of removed members.</summary>
internal sealed record PruneWrite(IReadOnlySet<UniqueAddress> Owners) : PendingWrite
{
    public override RegistryBucket ApplyTo(RegistryBucket data, UniqueAddress self) => data.WithoutOwners(Owners);
}
