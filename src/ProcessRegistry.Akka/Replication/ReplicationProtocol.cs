using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>The messages peers of an owner-partitioned table exchange (accepted only from members); the serializer binding is on this.</summary>
internal interface IReplicationSerializable;

/// <summary>An owner's new records, broadcast to every peer right after it wrote them.</summary>
internal sealed record RecordsChanged<TRecord>(IReadOnlyList<TRecord> Records) : IReplicationSerializable
    where TRecord : class, IReplicatedRecord;

/// <summary>
/// Part of everything <paramref name="Owner"/> owns, with its unexpired tombstones, sent to a node
/// it just met (or met again after a partition), or that asked: the syn-style resync that does not
/// wait for the backstop. On the last part the receiver drops its records of that owner that the
/// snapshot lacks and that are older than <paramref name="TakenAt"/>.
/// </summary>
/// <remarks>
/// The parts of one snapshot share <paramref name="Id"/> and arrive in order: only a receiver that
/// saw every part (<paramref name="Part"/> 0 to <paramref name="Parts"/> - 1) drops what it lacks.
/// </remarks>
internal sealed record OwnerSnapshot<TRecord>(UniqueAddress Owner, long Id, int Part, int Parts, long TakenAt, IReadOnlyList<TRecord> Records)
    : IReplicationSerializable
    where TRecord : class, IReplicatedRecord;

/// <summary>
/// Removals of another owner's records under keys the receiving owner holds, relayed by a peer that
/// refused the owner's older record because of them: the owner decides what to do with its key.
/// </summary>
internal sealed record RemovalHints<TRecord>(IReadOnlyList<TRecord> Removals) : IReplicationSerializable
    where TRecord : class, IReplicatedRecord;

/// <summary>
/// What <paramref name="Owner"/> owns, in brief, sent to every peer each anti-entropy interval. A
/// peer whose replica of that owner differs from an unchanged digest (the owner was quiet, so no
/// broadcast is still on its way) missed something and sends a <see cref="SnapshotRequest"/>.
/// </summary>
internal sealed record OwnerDigest(UniqueAddress Owner, int Count, long Checksum) : IReplicationSerializable;

/// <summary>Asks an owner for an <see cref="OwnerSnapshot{TRecord}"/>.</summary>
internal sealed record SnapshotRequest : IReplicationSerializable
{
    public static readonly SnapshotRequest Instance = new();
}
