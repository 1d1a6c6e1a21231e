using System.Collections.Immutable;
using Akka.Actor;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// This node's read replica: written only by the registry actor, read lock-free by any thread.
/// It belongs to the extension, not the actor, so a restarted registry actor finds it intact.
/// </summary>
/// <remarks>
/// An open-addressing table of the records themselves (linear probing), not a
/// ConcurrentDictionary: one writer needs no locks, and a slot costs 8 bytes where a dictionary
/// node costs 48, which matters when every node holds every entry. Keys are placed by the
/// record's fixed <see cref="KeyHash"/> until a flood of colliding keys shows, then by the
/// process's randomized hash. Readers see each slot change
/// as one reference write; a removed key leaves a marker so probes for keys behind it go on;
/// growing builds a new table and publishes it whole, so a reader sees the old table or the new.
/// </remarks>
internal sealed class LocalView
{
    private const double MaxLoad = 0.7;

    // Linear probing at MaxLoad keeps probe runs short: in a table as full as MaxLoad lets it get,
    // the longest run of ordinary keys is under 200 slots. A run longer than this means keys chosen to collide
    // under the fixed KeyHash, and the table moves to the process's randomized hash for good.
    internal const int FloodProbes = 1024;

    // Keys are never empty (ValidateKey), but a reader checks the instance, not just the key.
    private static readonly EntryRecord Removed = new(string.Empty, ActorRefs.Nobody, null!,
        ImmutableDictionary<string, string>.Empty, 0, 0, UnregisterReason.Unregistered);

    private Table _table = new(new EntryRecord?[32], randomized: false);
    // Slots not null: records and removal markers (writer only).
    private int _used;
    private int _count;

    /// <summary>Slots and the hash that places keys in them, published together so a reader never probes one with the other's positions.</summary>
    private sealed class Table(EntryRecord?[] slots, bool randomized)
    {
        public readonly EntryRecord?[] Slots = slots;
        public readonly int Mask = slots.Length - 1;
        public readonly bool Randomized = randomized;

        public int Home(string key, int keyHash) => (Randomized ? StringComparer.Ordinal.GetHashCode(key) : keyHash) & Mask;
    }

    /// <summary>Callers waiting for keys to arrive (<c>WaitFor</c>).</summary>
    public KeyWaiters Waiters { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many times the writer changed the view; for the writer, to tell whether anything changed since it last looked.</summary>
    public long Changes { get; private set; }

    /// <summary>Whether a flood of colliding keys moved the table to the randomized hash.</summary>
    internal bool IsRandomized => Volatile.Read(ref _table).Randomized;

    /// <summary>The records in the table as it is when enumeration starts.</summary>
    public IEnumerable<EntryRecord> Entries
    {
        get
        {
            foreach (var slot in Volatile.Read(ref _table).Slots)
            {
                if (slot is not null && !ReferenceEquals(slot, Removed))
                    yield return slot;
            }
        }
    }

    public bool TryGet(string key, out EntryRecord entry)
    {
        var table = Volatile.Read(ref _table);
        var slots = table.Slots;
        var hash = KeyHash.Of(key);
        // Bounded although a table always has free slots (MaxLoad): a reader must never spin.
        for (int i = table.Home(key, hash), probes = 0; probes < slots.Length; i = (i + 1) & table.Mask, probes++)
        {
            var slot = slots[i];
            if (slot is null) break;
            if (slot.KeyHash == hash && slot.Key == key && !ReferenceEquals(slot, Removed))
            {
                entry = slot;
                return true;
            }
        }
        entry = null!;
        return false;
    }

    public void Set(EntryRecord entry)
    {
        Changes++;
        var index = IndexOf(entry.Key, entry.KeyHash, out var free);
        var slots = _table.Slots;
        if (index >= 0)
        {
            Volatile.Write(ref slots[index], entry);
        }
        else
        {
            if (slots[free] is null)
            {
                if (_used + 1 > slots.Length * MaxLoad)
                {
                    Rebuild(_table.Randomized);
                    IndexOf(entry.Key, entry.KeyHash, out free);
                    slots = _table.Slots;
                }
                _used++;
            }
            Volatile.Write(ref slots[free], entry);
            Volatile.Write(ref _count, _count + 1);
        }
        if (Waiters.Count > 0)
            Waiters.Arrived(entry);
    }

    public bool TryRemove(string key, out EntryRecord entry)
    {
        var index = IndexOf(key, KeyHash.Of(key), out _);
        if (index < 0)
        {
            entry = null!;
            return false;
        }
        entry = _table.Slots[index]!;
        Volatile.Write(ref _table.Slots[index], Removed);
        Volatile.Write(ref _count, _count - 1);
        Changes++;
        return true;
    }

    /// <summary>
    /// The key's slot, or -1 with <paramref name="free"/> the slot a new record of it would take.
    /// A probe run past <see cref="FloodProbes"/> moves the table to the randomized hash first.
    /// </summary>
    private int IndexOf(string key, int hash, out int free)
    {
        var table = _table;
        var slots = table.Slots;
        free = -1;
        for (int i = table.Home(key, hash), probes = 0; ; i = (i + 1) & table.Mask, probes++)
        {
            if (probes == FloodProbes && !table.Randomized)
            {
                Rebuild(randomized: true);
                return IndexOf(key, hash, out free);
            }
            var slot = slots[i];
            if (slot is null)
            {
                if (free < 0) free = i;
                return -1;
            }
            if (ReferenceEquals(slot, Removed))
            {
                if (free < 0) free = i;
            }
            else if (slot.KeyHash == hash && slot.Key == key)
            {
                return i;
            }
        }
    }

    /// <summary>A new table without removal markers, twice as large when the records alone would fill half of this one.</summary>
    private void Rebuild(bool randomized)
    {
        var current = _table.Slots;
        var length = _count + 1 > current.Length * MaxLoad / 2 ? current.Length * 2 : current.Length;
        var table = new Table(new EntryRecord?[length], randomized);
        foreach (var record in Entries)
        {
            var i = table.Home(record.Key, record.KeyHash);
            while (table.Slots[i] is not null) i = (i + 1) & table.Mask;
            table.Slots[i] = record;
        }
        _used = _count;
        Volatile.Write(ref _table, table);
    }
}
