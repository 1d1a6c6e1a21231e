using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// One change waiting to go into a bucket of the replicated data. The registry actor coalesces a
/// bucket's changes into one Update per sync interval: each DData update costs work in
/// proportion to the whole bucket, so one per change would not scale.
/// </summary>
internal abstract record PendingWrite
{
    public abstract BucketData ApplyTo(BucketData data, UniqueAddress self);
}

/// <summary>
/// Store a record (live or tombstone) whose version its owner already chose. A newer record
/// for the key already in this replica wins, exactly as it will everywhere after merging.
/// </summary>
internal sealed record RecordWrite(string Key, EntryRecord Record) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self) =>
        data.TryGetValue(Key, out var current) && current.Version >= Record.Version
            ? data
            : data.SetItem(self, Key, Record, VersionClock.Instance);
}

/// <summary>Erase a tombstone that has told every replica what it had to.</summary>
internal sealed record EraseWrite(string Key, long Version) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self) =>
        data.TryGetValue(Key, out var current) && !current.IsLive && current.Version == Version
            ? data.Remove(self, Key)
            : data;
}

/// <summary>Drop every record owned by a removed member.</summary>
internal sealed record PruneWrite(IReadOnlySet<UniqueAddress> Owners) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self)
    {
        foreach (var (key, record) in data.Entries)
        {
            if (Owners.Contains(record.Owner))
                data = data.Remove(self, key);
        }
        return data;
    }
}
