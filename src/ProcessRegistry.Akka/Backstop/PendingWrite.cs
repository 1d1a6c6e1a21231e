using Akka.Cluster;
using ProcessRegistry.Akka.Registry;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// One change waiting to go into a bucket of the replicated data. The registry actor coalesces a
/// bucket's changes into one Update per sync interval, so a burst of writes costs the replicator
/// one merge and one digest of the bucket, and this node's slice one copy, not one per write.
/// </summary>
internal abstract record PendingWrite
{
    /// <summary>
    /// Applies <paramref name="writes"/> in order to <paramref name="data"/>, where this node is
    /// <paramref name="self"/> and its wall clock reads <paramref name="wallTicks"/>.
    /// </summary>
    public static RegistryBucket ApplyAll(RegistryBucket data, IEnumerable<PendingWrite> writes, UniqueAddress self, long wallTicks)
    {
        var mine = new OwnerSlice.Editor(data.SliceOf(self));
        foreach (var write in writes)
            data = write.Apply(data, mine);
        return data.Edit(self, _ => mine.ToSlice(wallTicks));
    }

    /// <summary>Edits this node's slice through <paramref name="mine"/>, or returns an edited bucket.</summary>
    protected abstract RegistryBucket Apply(RegistryBucket data, OwnerSlice.Editor mine);
}

/// <summary>
/// Store a record (live or tombstone) whose version its owner already chose, in this node's
/// slice, unless the slice already holds a newer one for the key.
/// </summary>
internal sealed record RecordWrite(EntryRecord Record) : PendingWrite
{
    protected override RegistryBucket Apply(RegistryBucket data, OwnerSlice.Editor mine)
    {
        if (mine.Find(Record.Key) is not { } current || current.Version < Record.Version)
            mine.Put(Record);
        return data;
    }
}

/// <summary>Erase a tombstone that has told every replica what it had to.</summary>
internal sealed record EraseWrite(string Key, long Version) : PendingWrite
{
    protected override RegistryBucket Apply(RegistryBucket data, OwnerSlice.Editor mine)
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
internal sealed record ReleaseWrite(string Key) : PendingWrite
{
    protected override RegistryBucket Apply(RegistryBucket data, OwnerSlice.Editor mine)
    {
        mine.Remove(Key);
        return data;
    }
}

/// <summary>Drop the slices of removed members (never this node's own, which the editor holds).</summary>
internal sealed record PruneWrite(IReadOnlySet<UniqueAddress> Owners) : PendingWrite
{
    protected override RegistryBucket Apply(RegistryBucket data, OwnerSlice.Editor mine) => data.WithoutOwners(Owners);
}
