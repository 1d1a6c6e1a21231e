using Akka.Cluster;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// What registry records mean to peer replication and the backstop: another owner's record goes
/// into the view by version, and then to the owner's settlement in case it names a key this node
/// owns; this node's own records come from its books.
/// </summary>
internal sealed class RegistryReplica(ViewWriter writer, OwnerBooks books, ConflictSettlement settlement, RegistryMetrics metrics, RegistryClock clock)
    : IReplica<EntryRecord>
{
    public long Changes => writer.View.Changes;

    public IEnumerable<EntryRecord> OwnSnapshot() => books.Snapshot();

    public IEnumerable<(string Key, long Version)> OwnVersions() => books.Versions();

    public IEnumerable<(string Key, long Version)> VersionsOf(UniqueAddress owner) =>
        writer.View.Entries.Where(e => e.Owner.Address.Equals(owner.Address)).Select(e => (e.Key, e.Version));

    public bool Merge(EntryRecord record)
    {
        if (!writer.Apply(record)) return false;
        settlement.Check(record);
        return true;
    }

    public void Broadcasted(EntryRecord record) => metrics.Replicated(record.Version, clock.WallTicks);

    public EntryRecord? MergeFromSnapshot(EntryRecord record)
    {
        if (Merge(record)) return null;
        if (writer.ForgetInferredRemoval(record) && Merge(record)) return null;
        return writer.RemovalNewerThan(record);
    }

    public void SnapshotLacks(UniqueAddress owner, IReadOnlySet<string> keys, long takenAt) => writer.RemovedUnheard(owner, keys, takenAt);

    public void RemovalsHinted(IReadOnlyList<EntryRecord> removals) => settlement.Hinted(removals);

    public void Vanished(IEnumerable<EntryRecord> records) => writer.Vanished(records);

    public void OwnerRemoved(UniqueAddress owner) => writer.OwnerRemoved(owner);
}
