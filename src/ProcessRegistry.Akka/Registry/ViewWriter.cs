using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The only way into this node's <see cref="LocalView"/>: applies records by version, remembers
/// removals a while (so an older record that arrives late does not bring a key back), and raises
/// the events and metrics of every change the view sees.
/// </summary>
/// <remarks><paramref name="isActiveMember"/>: whether a node is a current member: a record that vanished from the backstop went with its node only if not.</remarks>
internal sealed class ViewWriter(LocalView view, RegistryEventPublisher events, RegistryMetrics metrics, RegistryClock clock, Func<Address, bool> isActiveMember)
{
    // The newest removal of each key this node heard of, kept a while after the tombstone is erased.
    // Inferred: not a tombstone anyone wrote, but a key its owner's complete snapshot lacked.
    private readonly Dictionary<string, (EntryRecord Tombstone, TimeSpan Seen, bool Inferred)> _removals = new(StringComparer.Ordinal);
    private readonly HashSet<UniqueAddress> _removedOwners = new();

    public LocalView View => view;

    /// <summary>The newest version this node knows of the key, live or removed; 0 when none.</summary>
    public long KnownVersion(string key)
    {
        var live = view.TryGet(key, out var entry) ? entry.Version : 0;
        var removed = _removals.TryGetValue(key, out var removal) ? removal.Tombstone.Version : 0;
        return Math.Max(live, removed);
    }

    /// <summary>Applies a record if it is newer than anything this node knows of its key; says whether it did.</summary>
    public bool Apply(EntryRecord record)
    {
        if (record.Version <= KnownVersion(record.Key)) return false;
        if (!record.IsLive)
            _removals[record.Key] = (record, clock.Now, Inferred: false);
        ApplyToView(record);
        return true;
    }

    /// <summary>Takes <paramref name="key"/> out of the view, for <paramref name="reason"/> (null: tell by its owner's membership).</summary>
    public void Remove(string key, UnregisterReason? reason)
    {
        if (!view.TryRemove(key, out var removed)) return;
        var why = reason ?? (isActiveMember(removed.Owner.Address) ? UnregisterReason.Unregistered : UnregisterReason.NodeRemoved);
        metrics.Unregistered(why);
        if (events.Wanted) events.Publish(new ProcessUnregistered(removed.ToEntry(), why));
    }

    /// <summary>
    /// What a whole snapshot of <paramref name="owner"/> lacked, and was not re-registered since it
    /// was taken, was removed while this node could not hear it. The removal is known only as
    /// newer than the entry dropped: the snapshot time speaks for this owner alone, and as a version
    /// of the key it would shadow another owner's registration made before it and not heard here yet.
    /// </summary>
    public void RemovedUnheard(UniqueAddress owner, IReadOnlySet<string> keys, long takenAt)
    {
        var gone = view.Entries
            .Where(e => e.Owner.Address.Equals(owner.Address) && !keys.Contains(e.Key) && e.Version < takenAt)
            .ToList();
        foreach (var entry in gone)
        {
            _removals[entry.Key] = (entry.AsTombstone(UnregisterReason.Unregistered, entry.Version), clock.Now, Inferred: true);
            Remove(entry.Key, UnregisterReason.Unregistered);
        }
    }

    /// <summary>
    /// Forgets the removal of a record this node took for removed because an earlier snapshot of
    /// its owner lacked it, now that a later snapshot holds it: the owner has it, so it is live
    /// after all. Says whether there was such a removal.
    /// </summary>
    public bool ForgetInferredRemoval(EntryRecord record)
    {
        if (!record.IsLive || !_removals.TryGetValue(record.Key, out var removal) || !removal.Inferred ||
            removal.Tombstone.Version != record.Version || !removal.Tombstone.Owner.Equals(record.Owner))
            return false;
        _removals.Remove(record.Key);
        return true;
    }

    /// <summary>The removal that made this node refuse a live record, when no newer live entry did.</summary>
    public EntryRecord? RemovalNewerThan(EntryRecord record) =>
        record.IsLive &&
        _removals.TryGetValue(record.Key, out var removal) && removal.Tombstone.Version >= record.Version &&
        !(view.TryGet(record.Key, out var live) && live.Version >= record.Version)
            ? removal.Tombstone
            : null;

    /// <summary>
    /// Erased (a tombstone), released (its owner lost it) or pruned (a removed member's slice):
    /// gone from the view too, unless the view holds a newer record of the key.
    /// </summary>
    public void Vanished(IEnumerable<EntryRecord> records)
    {
        foreach (var record in records)
        {
            if (view.TryGet(record.Key, out var entry) && entry.Version <= record.Version && entry.Owner.Equals(record.Owner))
                Remove(record.Key, reason: null);
        }
    }

    /// <summary><paramref name="owner"/> left the cluster: its entries go, and records of it that arrive late are not applied.</summary>
    public void OwnerRemoved(UniqueAddress owner)
    {
        _removedOwners.Add(owner);
        foreach (var entry in view.Entries.Where(e => e.Owner.Address.Equals(owner.Address)).ToList())
            Remove(entry.Key, UnregisterReason.NodeRemoved);
    }

    public bool IsRemoved(UniqueAddress owner) => _removedOwners.Contains(owner);

    /// <summary>Forgets removals seen before <paramref name="seenBefore"/> (monotonic).</summary>
    public void ForgetRemovals(TimeSpan seenBefore)
    {
        foreach (var key in _removals.Where(r => r.Value.Seen < seenBefore).Select(r => r.Key).ToList())
            _removals.Remove(key);
    }

    private void ApplyToView(EntryRecord record)
    {
        if (!record.IsLive || _removedOwners.Contains(record.Owner))
        {
            Remove(record.Key, record.RemovedBecause ?? UnregisterReason.NodeRemoved);
            return;
        }
        if (!view.TryGet(record.Key, out var current))
        {
            view.Set(record);
            if (events.Wanted) events.Publish(new ProcessRegistered(record.ToEntry()));
            return;
        }
        view.Set(record);
        if (current.SamePid(record))
        {
            if (events.Wanted && !SameMetadata(current.Metadata, record.Metadata))
                events.Publish(new ProcessUpdated(current.ToEntry(), record.ToEntry()));
            return;
        }
        // A live pid replaced by another without a removal between them: a conflict was settled.
        if (!events.Wanted) return;
        events.Publish(new ProcessUnregistered(current.ToEntry(), UnregisterReason.ConflictLost));
        events.Publish(new ProcessRegistered(record.ToEntry()));
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        ReferenceEquals(a, b) ||
        (a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
