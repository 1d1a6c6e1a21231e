using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// A record of an owner-partitioned table: one key's value as its owner last wrote it. Only the
/// owner writes its records, each version of a key once, so owner and version name a record's
/// whole content; a removal is a record too (a tombstone), so a replica that missed it learns it.
/// </summary>
internal interface IReplicatedRecord
{
    string Key { get; }

    /// <summary>The node that wrote the record, the only one that may.</summary>
    UniqueAddress Owner { get; }

    /// <summary>Grows with every write of the key; the newer record of a key wins everywhere.</summary>
    long Version { get; }

    /// <summary>False for a tombstone.</summary>
    bool IsLive { get; }

    /// <summary>An upper estimate of its serialized size, to keep messages of many records below the frame size.</summary>
    int EstimatedWireSize { get; }
}
