namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The callers of <c>WaitFor</c>, by key: each has a waiter of its own, which leaves when its key
/// arrives or when it gives up (timeout, cancellation), so waiting costs nothing once it is over.
/// </summary>
internal sealed class KeyWaiters
{
    private readonly Dictionary<string, List<TaskCompletionSource<EntryRecord>>> _byKey = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many callers wait; the view's writer checks it on every write, without a lock.</summary>
    public int Count => Volatile.Read(ref _count);

    public TaskCompletionSource<EntryRecord> Add(string key)
    {
        var waiter = new TaskCompletionSource<EntryRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_byKey)
        {
            if (!_byKey.TryGetValue(key, out var waiters))
                _byKey[key] = waiters = new List<TaskCompletionSource<EntryRecord>>(1);
            waiters.Add(waiter);
            _count++;
        }
        return waiter;
    }

    /// <summary>Takes back a waiter that gave up; nothing when its key already arrived.</summary>
    public void Remove(string key, TaskCompletionSource<EntryRecord> waiter)
    {
        lock (_byKey)
        {
            if (!_byKey.TryGetValue(key, out var waiters) || !waiters.Remove(waiter)) return;
            _count--;
            if (waiters.Count == 0) _byKey.Remove(key);
        }
    }

    /// <summary>Completes every waiter of the record's key.</summary>
    public void Arrived(EntryRecord record)
    {
        List<TaskCompletionSource<EntryRecord>>? waiters;
        lock (_byKey)
        {
            if (!_byKey.Remove(record.Key, out waiters)) return;
            _count -= waiters.Count;
        }
        foreach (var waiter in waiters)
            waiter.TrySetResult(record);
    }
}
