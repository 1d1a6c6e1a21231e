using System.Collections.Immutable;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The records one owner wrote into a bucket, under a version only that owner advances: one
/// writer, so a replica keeps whichever slice has the higher version and nothing finer is needed.
/// Keys are sorted so that a slice serializes to the same bytes on every replica, which the
/// replicator's digests rely on.
/// </summary>
internal sealed record OwnerSlice(long Version, ImmutableSortedDictionary<string, EntryRecord> Records)
{
    public static readonly OwnerSlice Empty = new(0, ImmutableSortedDictionary.Create<string, EntryRecord>(StringComparer.Ordinal));

    /// <summary>The same records under a version above this one and close to wall-clock time.</summary>
    public OwnerSlice With(ImmutableSortedDictionary<string, EntryRecord> records) =>
        ReferenceEquals(records, Records) ? this : new OwnerSlice(Math.Max(DateTime.UtcNow.Ticks, Version + 1), records);

    /// <summary>Whether this slice wins over <paramref name="other"/> of the same owner.</summary>
    /// <remarks>An owner never writes two slices under one version; the count only keeps merging
    /// deterministic should a replica's clock ever run back across a restart of the replicator.</remarks>
    public bool Supersedes(OwnerSlice other) =>
        Version > other.Version || (Version == other.Version && Records.Count > other.Records.Count);
}
