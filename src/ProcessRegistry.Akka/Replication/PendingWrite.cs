using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// One change the registry actor queues for a bucket. Changes queued while the actor drains
/// its mailbox go to the replicator as a single Update, so a burst of registrations costs one
/// replicated write per bucket instead of one per key.
/// </summary>
internal abstract record PendingWrite
{
    /// <summary>Who waits for the outcome; remote callers are answered only once the write reached every replica.</summary>
    public IActorRef? ReplyTo { get; init; }

    public abstract BucketData ApplyTo(BucketData data, UniqueAddress self, IImmutableSet<UniqueAddress> removedOwners);

    /// <summary>A strictly newer version than the record it replaces, close to wall-clock time.</summary>
    protected static long NextVersion(EntryRecord? current) =>
        Math.Max(DateTime.UtcNow.Ticks, (current?.Version ?? 0) + 1);
}

/// <summary>Write a live record. Skipped when another live pid holds the key, unless forced.</summary>
internal sealed record SetWrite(string Key, EntryRecord Record, bool Force) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self, IImmutableSet<UniqueAddress> removedOwners)
    {
        data.TryGetValue(Key, out var current);
        var heldByAnother = current is { IsLive: true } && !current.Pid.Equals(Record.Pid) && !removedOwners.Contains(current.Owner);
        return heldByAnother && !Force
            ? data
            : data.SetItem(self, Key, Record with { Version = NextVersion(current) }, VersionClock.Instance);
    }
}

/// <summary>Replace the live record of <paramref name="Pid"/> with a tombstone carrying the reason.</summary>
internal sealed record RemoveWrite(string Key, IActorRef Pid, UnregisterReason Reason) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self, IImmutableSet<UniqueAddress> removedOwners) =>
        data.TryGetValue(Key, out var current) && current.IsLive && current.Pid.Equals(Pid)
            ? data.SetItem(self, Key, current.AsTombstone(Reason, NextVersion(current)), VersionClock.Instance)
            : data;
}

/// <summary>Erase a tombstone that has told every replica what it had to.</summary>
internal sealed record EraseWrite(string Key, long Version) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self, IImmutableSet<UniqueAddress> removedOwners) =>
        data.TryGetValue(Key, out var current) && !current.IsLive && current.Version == Version
            ? data.Remove(self, Key)
            : data;
}

/// <summary>Drop every record owned by a removed member.</summary>
internal sealed record PruneWrite(IImmutableSet<UniqueAddress> Owners) : PendingWrite
{
    public override BucketData ApplyTo(BucketData data, UniqueAddress self, IImmutableSet<UniqueAddress> removedOwners)
    {
        foreach (var (key, record) in data.Entries)
        {
            if (Owners.Contains(record.Owner))
                data = data.Remove(self, key);
        }
        return data;
    }
}
