using System.Collections.Immutable;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The durable keys one node started, in one bucket of the durable set, under a version only that
/// node advances: one writer, so a replica keeps whichever slice has the higher version.
/// </summary>
internal sealed class DurableSlice
{
    public static readonly DurableSlice Empty = new(0, ImmutableSortedDictionary.Create<string, DurableSlice.Entry>(StringComparer.Ordinal));

    public DurableSlice(long version, ImmutableSortedDictionary<string, Entry> entries)
    {
        Version = version;
        Entries = entries;
    }

    public long Version { get; }

    /// <summary>
    /// A node advances its slice by one per write, so it cannot honestly reach this (2^62) in any
    /// lifetime; a higher version was forged by another member, and the next one would overflow.
    /// </summary>
    public const long HighestHonestVersion = 1L << 62;

    /// <summary>By key, ordinal: the order every replica serializes in (the replicator's digests compare bytes).</summary>
    public ImmutableSortedDictionary<string, Entry> Entries { get; }

    /// <summary>Whether this slice wins over <paramref name="other"/> of the same node.</summary>
    /// <remarks>A node never writes two slices under one version; the count only keeps merging deterministic.</remarks>
    public bool Supersedes(DurableSlice other) =>
        Version > other.Version || (Version == other.Version && Entries.Count > other.Entries.Count);

    /// <summary>The node's next slice, with <paramref name="entries"/>; this one when they did not change.</summary>
    public DurableSlice With(ImmutableSortedDictionary<string, Entry> entries) =>
        ReferenceEquals(entries, Entries) ? this : new DurableSlice(Version + 1, entries);

    /// <summary>
    /// One durable key of the node: the kind that starts it, and whether its process runs there.
    /// A key that stopped by itself stays listed, not running, while a slice of a node that is gone
    /// still lists it running (see <see cref="DurableBucket"/>).
    /// </summary>
    public sealed record Entry(string Kind, bool Running);
}
