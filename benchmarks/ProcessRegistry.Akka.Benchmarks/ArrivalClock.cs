using System.Collections.Concurrent;
using System.Diagnostics;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>Records when each key first arrived at an observer, and lets a caller await one.</summary>
internal sealed class ArrivalClock
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new();

    public void Arrived(string key) => Slot(key).TrySetResult(Stopwatch.GetTimestamp());

    public Task<long> WhenArrived(string key) => Slot(key).Task;

    private TaskCompletionSource<long> Slot(string key) =>
        _arrivals.GetOrAdd(key, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
