using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// What an owner-partitioned table's records mean on this node: the part the data supplies to
/// <see cref="PeerReplication{TRecord}"/> and the backstop, which move records without knowing
/// what they stand for. The registry implements it for its entries; process groups will for theirs.
/// </summary>
internal interface IReplica<TRecord> where TRecord : class, IReplicatedRecord
{
    /// <summary>Grows with every change of what this replica holds, so an unchanged one need not be compared again.</summary>
    long Changes { get; }

    /// <summary>What this node owns, and its tombstones that have not expired: the content of its snapshots.</summary>
    IEnumerable<TRecord> OwnSnapshot();

    /// <summary>The keys and versions of the live records this node owns.</summary>
    IEnumerable<(string Key, long Version)> OwnVersions();

    /// <summary>The keys and versions of the live records this replica holds of <paramref name="owner"/>.</summary>
    IEnumerable<(string Key, long Version)> VersionsOf(UniqueAddress owner);

    /// <summary>Applies another owner's record if it is newer than what this replica knows of its key; says whether it did.</summary>
    bool Merge(TRecord record);

    /// <summary>A record from its owner's broadcast was applied (for the replication lag).</summary>
    void Broadcasted(TRecord record);

    /// <summary>
    /// Merges a record of an owner's snapshot, taking back a removal inferred from an earlier
    /// snapshot that lacked it; returns the removal of the key this replica knows and the owner
    /// evidently missed, if any, for <see cref="RemovalHints{TRecord}"/>.
    /// </summary>
    TRecord? MergeFromSnapshot(TRecord record);

    /// <summary>
    /// A whole snapshot of <paramref name="owner"/> taken at <paramref name="takenAt"/> lacked these
    /// records' keys: what this replica holds of the owner older than that was removed unheard.
    /// </summary>
    void SnapshotLacks(UniqueAddress owner, IReadOnlySet<string> keys, long takenAt);

    /// <summary>Removals of keys this node owns that a peer relayed (the records are checked already).</summary>
    void RemovalsHinted(IReadOnlyList<TRecord> removals);

    /// <summary>Records the backstop no longer holds (erased, released or pruned): gone here too unless newer ones replaced them.</summary>
    void Vanished(IEnumerable<TRecord> records);

    /// <summary><paramref name="owner"/> left the cluster: its records go.</summary>
    void OwnerRemoved(UniqueAddress owner);
}
