using System.Collections.Concurrent;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// This node's read replica: written only by the registry actor, read lock-free by any thread.
/// It belongs to the extension, not the actor, so a restarted registry actor finds it intact.
/// </summary>
internal sealed class LocalView
{
    // One writer, so one lock: more stripes only make writes and table growth slower.
    private readonly ConcurrentDictionary<string, EntryRecord> _entries = new(concurrencyLevel: 1, capacity: 31, StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; the single writer keeps this instead.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many times the writer changed the view; for the writer, to tell whether anything changed since it last looked.</summary>
    public long Changes { get; private set; }

    private readonly ConcurrentDictionary<string, TaskCompletionSource<EntryRecord>> _waiters = new(StringComparer.Ordinal);
    private int _waiterCount;

    public IEnumerable<EntryRecord> Entries => _entries.Values;

    /// <summary>Completes when the key is in the view: at once, or when the writer next sets it.</summary>
    public Task<EntryRecord> WhenPresent(string key)
    {
        if (TryGet(key, out var entry)) return Task.FromResult(entry);
        var waiter = _waiters.GetOrAdd(key, _ =>
        {
            Interlocked.Increment(ref _waiterCount);
            return new TaskCompletionSource<EntryRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        });
        // The writer may have set the key between the first look and the waiter's arrival.
        if (TryGet(key, out entry)) CompleteWaiter(key, entry);
        return waiter.Task;
    }

    private void CompleteWaiter(string key, EntryRecord entry)
    {
        if (!_waiters.TryRemove(key, out var waiter)) return;
        Interlocked.Decrement(ref _waiterCount);
        waiter.TrySetResult(entry);
    }

    public bool TryGet(string key, out EntryRecord entry) => _entries.TryGetValue(key, out entry!);

    public void Set(EntryRecord entry)
    {
        Changes++;
        if (_entries.TryAdd(entry.Key, entry))
            Interlocked.Increment(ref _count);
        else
            _entries[entry.Key] = entry;
        if (Volatile.Read(ref _waiterCount) > 0)
            CompleteWaiter(entry.Key, entry);
    }

    public bool TryRemove(string key, out EntryRecord entry)
    {
        if (!_entries.TryRemove(key, out entry!))
            return false;
        Changes++;
        Interlocked.Decrement(ref _count);
        return true;
    }
}
