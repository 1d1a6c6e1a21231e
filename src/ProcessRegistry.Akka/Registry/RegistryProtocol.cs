using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>Register <paramref name="Pid"/> under <paramref name="Key"/>; handled by the node that hosts the pid.</summary>
/// <remarks>
/// <paramref name="Forced"/>, when it is this node's <see cref="LocalOnly.Mark"/>, replaces a live
/// holder: spawn hosts use it, whose single activation comes from sharding. It never travels.
/// </remarks>
internal sealed record RegisterCommand(string Key, IActorRef Pid, ImmutableDictionary<string, string> Metadata, LocalOnly? Forced = null)
{
    public bool Force => LocalOnly.Carries(Forced);
}

/// <summary>Unregister <paramref name="Key"/> if it maps to <paramref name="Pid"/> (any pid when null).</summary>
internal sealed record UnregisterCommand(string Key, IActorRef? Pid);

/// <summary>Set (or, with a null value, remove) metadata labels of <paramref name="Key"/>, atomically on its owner.</summary>
internal sealed record UpdateMetadataCommand(string Key, IReadOnlyDictionary<string, string?> Changes);

internal abstract record RegisterReply;

internal sealed record NotRegistered(string Key) : RegisterReply;

/// <summary>The owner's record of the registration; it carries its key.</summary>
internal sealed record RegisterAccepted(EntryRecord Record) : RegisterReply;

internal sealed record RegisterTaken(string Key, IActorRef Holder) : RegisterReply;

internal sealed record RegisterRejected(string Reason) : RegisterReply;

/// <summary><paramref name="Tombstone"/> is the owner's removal record, so the caller's node can apply it at once.</summary>
internal sealed record UnregisterReply(bool Removed, string Key, EntryRecord? Tombstone);

/// <summary>An owner's new records, broadcast to the registry actors of the other nodes right after it wrote them.</summary>
internal sealed record RecordsChanged(IReadOnlyList<EntryRecord> Records);

internal sealed record SubscribeCommand(IActorRef Subscriber);

internal sealed record UnsubscribeCommand(IActorRef Subscriber);

/// <summary>
/// Part of everything <paramref name="Owner"/> owns, sent to a node it just met (or met again
/// after a partition): the syn-style resync that does not wait for DData gossip. On the
/// last part the receiver drops its entries of that owner that the snapshot
/// lacks and that are older than <paramref name="TakenAt"/>.
/// </summary>
/// <remarks>
/// The parts of one snapshot share <paramref name="Id"/> and arrive in order: only a receiver that
/// saw every part (<paramref name="Part"/> 0 to <paramref name="Parts"/> - 1) drops what it lacks.
/// </remarks>
internal sealed record OwnerSnapshot(UniqueAddress Owner, long Id, int Part, int Parts, long TakenAt, IReadOnlyList<EntryRecord> Records);

/// <summary>
/// Removals of another owner's process under keys the receiving owner holds, relayed by a peer that
/// refused the owner's older record because of them: the owner decides what to do with its key.
/// </summary>
internal sealed record RemovalHints(IReadOnlyList<EntryRecord> Removals);

/// <summary>
/// What <paramref name="Owner"/> owns, in brief, sent to every peer each anti-entropy interval. A
/// peer whose view of that owner differs from an unchanged digest (the owner was quiet, so no
/// broadcast is still on its way) missed something and asks for a <see cref="SnapshotRequest"/>.
/// </summary>
internal sealed record OwnerDigest(UniqueAddress Owner, int Count, long Checksum);

/// <summary>Asks an owner for an <see cref="OwnerSnapshot"/>.</summary>
internal sealed record SnapshotRequest
{
    public static readonly SnapshotRequest Instance = new();
}

/// <summary>
/// The sender's <see cref="BucketFingerprint"/> of every bucket, sent to every peer while some
/// member is unreachable. DData gossip compares a few buckets per tick with one random peer; a
/// partial cut (B and C cannot hear each other, A hears both) leaves DData as the only way
/// between B and C, and this compares them all each reconcile interval instead.
/// </summary>
internal sealed record BucketFingerprints(long[] Fingerprints);

/// <summary>
/// A replica's copy of one bucket, sent where fingerprints differ (and the peer's stayed the
/// same since its previous comparison); the receiver merges it into its own replica and, when
/// <paramref name="Answer"/>, sends the merged bucket back.
/// </summary>
internal sealed record BucketCopy(int Bucket, RegistryBucket Data, bool Answer);

/// <summary>
/// Records a spawn brought to this node, applied to its view before each caller gets its answer,
/// so a caller whose spawn completed reads the key here.
/// </summary>
internal sealed record MergeThenAnswer(IReadOnlyList<EntryRecord> Records, IReadOnlyList<(IActorRef Caller, object Answer)> Answers, LocalOnly Mark);
