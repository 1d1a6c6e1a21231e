using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The records one owner wrote into a bucket, under a version only that owner advances: one
/// writer, so a replica keeps whichever slice has the higher version and nothing finer is needed.
/// </summary>
/// <remarks>
/// The records are an array sorted by key: 8 bytes a record where a tree node costs 56, and the
/// order every replica serializes in (the replicator's digests compare bytes). A write copies the
/// array; the registry coalesces a bucket's writes into one update per sync interval.
/// </remarks>
internal sealed class OwnerSlice
{
    public static readonly OwnerSlice Empty = new(0, ImmutableArray<EntryRecord>.Empty);

    public OwnerSlice(long version, ImmutableArray<EntryRecord> records)
    {
        Version = version;
        Records = records;
    }

    public long Version { get; }

    /// <summary>Sorted by key, ordinal.</summary>
    public ImmutableArray<EntryRecord> Records { get; }

    /// <summary>A slice of records in any order (sorted here unless they already are); a key appears once.</summary>
    public static OwnerSlice Of(long version, EntryRecord[] records)
    {
        for (var i = 1; i < records.Length; i++)
        {
            if (string.CompareOrdinal(records[i - 1].Key, records[i].Key) > 0)
            {
                Array.Sort(records, (a, b) => string.CompareOrdinal(a.Key, b.Key));
                break;
            }
        }
        // The array is this slice's from here on: no copy.
        return new OwnerSlice(version, ImmutableCollectionsMarshal.AsImmutableArray(records));
    }

    public EntryRecord? Find(string key)
    {
        var index = IndexOf(key);
        return index >= 0 ? Records[index] : null;
    }

    /// <summary>This slice with <paramref name="record"/> added, or replacing the record of its key.</summary>
    public OwnerSlice Put(EntryRecord record)
    {
        var index = IndexOf(record.Key);
        return Next(index >= 0 ? Records.SetItem(index, record) : Records.Insert(~index, record));
    }

    public OwnerSlice Remove(string key)
    {
        var index = IndexOf(key);
        return index < 0 ? this : Next(Records.RemoveAt(index));
    }

    /// <summary>Whether this slice wins over <paramref name="other"/> of the same owner.</summary>
    /// <remarks>An owner never writes two slices under one version; the count only keeps merging
    /// deterministic should a replica's clock ever run back across a restart of the replicator.</remarks>
    public bool Supersedes(OwnerSlice other) =>
        Version > other.Version || (Version == other.Version && Records.Length > other.Records.Length);

    private OwnerSlice Next(ImmutableArray<EntryRecord> records) => new(Math.Max(DateTime.UtcNow.Ticks, Version + 1), records);

    /// <summary>The key's index, or the bitwise complement of where it would go.</summary>
    private int IndexOf(string key)
    {
        var (low, high) = (0, Records.Length - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(Records[middle].Key, key);
            if (order == 0) return middle;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }
}
