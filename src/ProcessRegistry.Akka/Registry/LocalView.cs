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
/// node costs 48, which matters when every node holds every entry. Readers see each slot change
/// as one reference write; a removed key leaves a marker so probes for keys behind it go on;
/// growing builds a new table and publishes it whole, so a reader sees the old table or the new.
/// </remarks>
internal sealed class LocalView
{
    private const double MaxLoad = 0.7;

    // Keys are never empty (ValidateKey), but a reader checks the instance, not just the key.
    private static readonly EntryRecord Removed = new(string.Empty, ActorRefs.Nobody, null!,
        ImmutableDictionary<string, string>.Empty, 0, 0, UnregisterReason.Unregistered);

    private EntryRecord?[] _slots = new EntryRecord?[32];
    // Slots not null: records and removal markers (writer only).
    private int _used;
    private int _count;


    /// <summary>Callers waiting for keys to arrive (<c>WaitFor</c>).</summary>
    public KeyWaiters Waiters { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many times the writer changed the view; for the writer, to tell whether anything changed since it last looked.</summary>
    public long Changes { get; private set; }

    /// <summary>The records in the table as it is when enumeration starts.</summary>
    public IEnumerable<EntryRecord> Entries
    {
        get
        {
            foreach (var slot in Volatile.Read(ref _slots))
            {
                if (slot is not null && !ReferenceEquals(slot, Removed))
                    yield return slot;
            }
        }
    }

    public bool TryGet(string key, out EntryRecord entry)
    {
        var slots = Volatile.Read(ref _slots);
        var mask = slots.Length - 1;
        var hash = StringComparer.Ordinal.GetHashCode(key);
        // Bounded although a table always has free slots (MaxLoad): a reader must never spin.
        for (int i = hash & mask, probes = 0; probes < slots.Length; i = (i + 1) & mask, probes++)
        {
            var slot = slots[i];
            if (slot is null) break;
            if (slot.KeyHash == hash && string.Equals(slot.Key, key, StringComparison.Ordinal) && !ReferenceEquals(slot, Removed))
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
        var index = IndexOf(entry.Key, out var free);
        if (index >= 0)
        {
            Volatile.Write(ref _slots[index], entry);
        }
        else
        {
            if (_slots[free] is null)
            {
                if (_used + 1 > _slots.Length * MaxLoad)
                {
                    Rebuild();
                    IndexOf(entry.Key, out free);
                }
                _used++;
            }
            Volatile.Write(ref _slots[free], entry);
            Volatile.Write(ref _count, _count + 1);
        }
        if (Waiters.Count > 0)
            Waiters.Arrived(entry);
    }

    public bool TryRemove(string key, out EntryRecord entry)
    {
        var index = IndexOf(key, out _);
        if (index < 0)
        {
            entry = null!;
            return false;
        }
        entry = _slots[index]!;
        Volatile.Write(ref _slots[index], Removed);
        Volatile.Write(ref _count, _count - 1);
        Changes++;
        return true;
    }

    /// <summary>The key's slot, or -1 with <paramref name="free"/> the slot a new record of it would take.</summary>
    private int IndexOf(string key, out int free)
    {
        var mask = _slots.Length - 1;
        var hash = StringComparer.Ordinal.GetHashCode(key);
        free = -1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot is null)
            {
                if (free < 0) free = i;
                return -1;
            }
            if (ReferenceEquals(slot, Removed))
            {
                if (free < 0) free = i;
            }
            else if (slot.KeyHash == hash && string.Equals(slot.Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }
    }

    /// <summary>A new table without removal markers, twice as large when the records alone would fill half of this one.</summary>
    private void Rebuild()
    {
        var length = _count + 1 > _slots.Length * MaxLoad / 2 ? _slots.Length * 2 : _slots.Length;
        var slots = new EntryRecord?[length];
        var mask = length - 1;
        foreach (var record in Entries)
        {
            var i = record.KeyHash & mask;
            while (slots[i] is not null) i = (i + 1) & mask;
            slots[i] = record;
        }
        _used = _count;
        Volatile.Write(ref _slots, slots);
    }
}
