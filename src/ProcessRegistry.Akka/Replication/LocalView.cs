using System.Collections.Concurrent;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// This node's read replica: written only by the registry actor, read lock-free by any thread.
/// It belongs to the extension, not the actor, so a restarted registry actor finds it intact.
/// </summary>
internal sealed class LocalView
{
    private readonly ConcurrentDictionary<string, RegistryEntry> _entries = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; the single writer keeps this instead.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IEnumerable<RegistryEntry> Entries => _entries.Values;

    public bool TryGet(string key, out RegistryEntry entry) => _entries.TryGetValue(key, out entry!);

    public void Set(RegistryEntry entry)
    {
        if (_entries.TryAdd(entry.Key, entry))
            Interlocked.Increment(ref _count);
        else
            _entries[entry.Key] = entry;
    }

    public bool TryRemove(string key, out RegistryEntry entry)
    {
        if (!_entries.TryRemove(key, out entry!))
            return false;
        Interlocked.Decrement(ref _count);
        return true;
    }
}
