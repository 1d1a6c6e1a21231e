using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// What this node owns: the records of its own processes, the keys of each process (watched, so
/// its death removes them), and its tombstones until they expire. Every write of the owner goes
/// through <see cref="Write"/>: the view at once (read-your-writes), the peers with the next
/// broadcast, the backstop with the next sync.
/// </summary>
internal sealed class OwnerBooks(
    UniqueAddress self,
    ViewWriter writer,
    Outbox<EntryRecord> outbox,
    SliceQueue<EntryRecord> backstop,
    VersionClock versions,
    RegistryClock clock,
    TimeSpan tombstoneTimeToLive,
    ICanWatch watcher)
{
    private readonly Dictionary<string, EntryRecord> _owned = new(StringComparer.Ordinal);
    private readonly KeysByPid _keysByPid = new();
    // This node's tombstones until they expire, sent in snapshots so a peer that missed one
    // (a restart, a cut) learns the reason, not only that the key went.
    private readonly Dictionary<string, EntryRecord> _ownTombstones = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Version, TimeSpan Due)> _expiries = new();

    public UniqueAddress Self => self;

    public bool TryGet(string key, out EntryRecord owned) => _owned.TryGetValue(key, out owned!);

    /// <summary>The live records this node owns, and its tombstones that have not expired.</summary>
    public IEnumerable<EntryRecord> Snapshot() =>
        _owned.Values.Concat(_ownTombstones.Values.Where(tombstone => !_owned.ContainsKey(tombstone.Key)));

    public IEnumerable<(string Key, long Version)> Versions() => _owned.Select(pair => (pair.Key, pair.Value.Version));

    /// <summary>A strictly newer version than any this node knows for the key, and than any it wrote before.</summary>
    public long NextVersion(string key) => versions.Next(writer.KnownVersion(key));

    /// <summary>A version newer than <see cref="NextVersion"/> would be and than <paramref name="over"/>.</summary>
    public long NextVersionOver(string key, long over) => versions.Next(Math.Max(writer.KnownVersion(key), over));

    /// <summary>Takes <paramref name="record"/> as this node's record of its key, watching its process.</summary>
    public void Own(EntryRecord record)
    {
        _owned[record.Key] = record;
        if (_keysByPid.Add(record.Pid, record.Key))
            watcher.Watch(record.Pid);
    }

    /// <summary>Replaces the record of a key this node owns by a newer one of the same process (no new watch).</summary>
    public void Update(EntryRecord record) => _owned[record.Key] = record;

    /// <summary>Writes a record of this node's: the view now, the peers next, the backstop soon.</summary>
    public void Write(EntryRecord record)
    {
        writer.Apply(record);
        outbox.Add(record);
        backstop.Write(record);
        if (record.IsLive)
        {
            _ownTombstones.Remove(record.Key);
            return;
        }
        _ownTombstones[record.Key] = record;
        _expiries.Enqueue((record.Key, record.Version, clock.Now + tombstoneTimeToLive));
    }

    /// <summary>Lets go of a key (no tombstone: a newer record of another owner replaced it, or one follows).</summary>
    public void Release(string key)
    {
        if (!_owned.Remove(key, out var owned)) return;
        backstop.Release(key);
        if (_keysByPid.Remove(owned.Pid, key))
            watcher.Unwatch(owned.Pid);
    }

    /// <summary>Removes a key this node owns and writes its tombstone, which says why.</summary>
    public EntryRecord Remove(string key, EntryRecord owned, UnregisterReason reason)
    {
        Release(key);
        var tombstone = owned.AsTombstone(reason, NextVersion(key));
        Write(tombstone);
        return tombstone;
    }

    /// <summary>A process of this node stopped: its keys go.</summary>
    public void Terminated(IActorRef pid)
    {
        foreach (var key in _keysByPid.Of(pid))
            Remove(key, _owned[key], UnregisterReason.Terminated);
    }

    /// <summary>
    /// A record of this node's process that the view held before this instance started (the view
    /// outlives a restart of the actor): owned again, watched again, and queued for the backstop.
    /// Peers get it in the snapshot each is sent when this instance meets it.
    /// </summary>
    public void Adopt(EntryRecord entry)
    {
        var owned = entry.Owner.Equals(self) ? entry : entry with { Owner = self };
        Own(owned);
        backstop.Write(owned);
    }

    /// <summary>Erases this node's expired tombstones from the backstop.</summary>
    public void ExpireTombstones(TimeSpan now)
    {
        while (_expiries.TryPeek(out var expiry) && expiry.Due <= now)
        {
            _expiries.Dequeue();
            if (_ownTombstones.TryGetValue(expiry.Key, out var own) && own.Version == expiry.Version)
                _ownTombstones.Remove(expiry.Key);
            backstop.Erase(expiry.Key, expiry.Version);
        }
    }
}
