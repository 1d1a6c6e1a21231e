using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// The records one owner wrote into a bucket, under a version only that owner advances: one
/// writer, so a replica keeps whichever slice has the higher version and nothing finer is needed.
/// </summary>
/// <remarks>
/// The records are an array sorted by key: 8 bytes a record where a tree node costs 56, and the
/// order every replica serializes in (the replicator's digests compare bytes). A write copies the
/// array; the registry coalesces a bucket's writes into one update per sync interval.
/// </remarks>
internal sealed class OwnerSlice<TRecord>
    where TRecord : class, IReplicatedRecord
{
    public static readonly OwnerSlice<TRecord> Empty = new(0, ImmutableArray<TRecord>.Empty);

    public OwnerSlice(long version, ImmutableArray<TRecord> records)
    {
        Version = version;
        Records = records;
    }

    public long Version { get; }

    /// <summary>Sorted by key, ordinal.</summary>
    public ImmutableArray<TRecord> Records { get; }

    /// <summary>A slice of records in any order (sorted here unless they already are); a key appears once.</summary>
    public static OwnerSlice<TRecord> Of(long version, TRecord[] records)
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
        return new OwnerSlice<TRecord>(version, ImmutableCollectionsMarshal.AsImmutableArray(records));
    }

    public TRecord? Find(string key)
    {
        var index = IndexOf(Records.AsSpan(), key);
        return index >= 0 ? Records[index] : null;
    }

    /// <summary>Whether this slice wins over <paramref name="other"/> of the same owner.</summary>
    /// <remarks>An owner never writes two slices under one version; the count only keeps merging
    /// deterministic should a replica's clock ever run back across a restart of the replicator.</remarks>
    public bool Supersedes(OwnerSlice<TRecord> other) =>
        Version > other.Version || (Version == other.Version && Records.Length > other.Records.Length);

    /// <summary>The next slice of this owner: its wall clock, or one more when the clock lags (never past the limit).</summary>
    private OwnerSlice<TRecord> Next(TRecord[] records, long wallTicks) =>
        new(Math.Max(wallTicks, Version == long.MaxValue ? Version : Version + 1), ImmutableCollectionsMarshal.AsImmutableArray(records));

    /// <summary>The key's index in records sorted by key, or the bitwise complement of where it would go.</summary>
    private static int IndexOf(ReadOnlySpan<TRecord> records, string key)
    {
        var (low, high) = (0, records.Length - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(records[middle].Key, key);
            if (order == 0) return middle;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    /// <summary>
    /// Several writes to one slice: the records are copied once, on the first change, and the
    /// result becomes one new slice (one version step) instead of a copy and a slice per write.
    /// </summary>
    public sealed class Editor
    {
        private readonly OwnerSlice<TRecord> _original;
        private List<TRecord>? _records;

        public Editor(OwnerSlice<TRecord> original) => _original = original;

        public TRecord? Find(string key)
        {
            var records = Current;
            var index = IndexOf(records, key);
            return index >= 0 ? records[index] : null;
        }

        /// <summary>Adds <paramref name="record"/>, or replaces the record of its key.</summary>
        public void Put(TRecord record)
        {
            var index = IndexOf(Current, record.Key);
            if (index >= 0) Editable[index] = record;
            else Editable.Insert(~index, record);
        }

        public void Remove(string key)
        {
            var index = IndexOf(Current, key);
            if (index >= 0) Editable.RemoveAt(index);
        }

        /// <summary>The edited slice; the original instance when nothing changed.</summary>
        public OwnerSlice<TRecord> ToSlice(long wallTicks) => _records is null ? _original : _original.Next(_records.ToArray(), wallTicks);

        private ReadOnlySpan<TRecord> Current => _records is null ? _original.Records.AsSpan() : CollectionsMarshal.AsSpan(_records);

        private List<TRecord> Editable => _records ??= new List<TRecord>(_original.Records);
    }
}
