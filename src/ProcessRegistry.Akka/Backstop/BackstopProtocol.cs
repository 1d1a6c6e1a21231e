using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>What the backstop puts on the wire: its buckets (through the replicator) and the messages that repair a partial cut; the serializer binding is on this.</summary>
internal interface IBackstopSerializable;

/// <summary>
/// The sender's <see cref="BucketFingerprint"/> of every bucket, sent to every peer while some
/// member is unreachable. DData gossip compares a few buckets per tick with one random peer; a
/// partial cut (B and C cannot hear each other, A hears both) leaves DData as the only way
/// between B and C, and this compares them all each reconcile interval instead.
/// </summary>
internal sealed record BucketFingerprints(long[] Fingerprints) : IBackstopSerializable;

/// <summary>
/// A replica's copy of one bucket, sent where fingerprints differ (and the peer's stayed the
/// same since its previous comparison); the receiver merges it into its own replica and, when
/// <paramref name="Answer"/>, sends the merged bucket back.
/// </summary>
internal sealed record BucketCopy<TRecord>(int Bucket, ReplicatedBucket<TRecord> Data, bool Answer) : IBackstopSerializable
    where TRecord : class, IReplicatedRecord;
