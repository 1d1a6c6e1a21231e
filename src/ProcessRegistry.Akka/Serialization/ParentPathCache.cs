using System.Collections.Concurrent;
using Akka.Actor;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// Shared parents of the pids records carry. Processes under one parent (/user, or a spawn
/// shard's host) share its path, so a pid read from the wire costs its own path element and ref
/// instead of a fresh root and chain of ancestors: at a million entries that chain was a fifth of
/// every replica's memory.
/// </summary>
internal sealed class ParentPathCache
{
    // Parents are few (owners times guardians and spawn shards); unique parents and churn of nodes fill it.
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<(Address Owner, string Parent), ActorPath> _parents = new();
    private int _count;

    /// <summary>The path on <paramref name="owner"/> of the actor whose path elements are <paramref name="elements"/>.</summary>
    public ActorPath ParentOf(Address owner, string[] elements)
    {
        if (elements.Length == 0) return new RootActorPath(owner);
        var text = elements.Length == 1 ? elements[0] : string.Join('/', elements);
        if (_parents.TryGetValue((owner, text), out var parent)) return parent;
        ActorPath path = new RootActorPath(owner);
        foreach (var element in elements)
            path /= element;
        // Counted here: ConcurrentDictionary.Count takes every lock.
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _parents.Clear();
            Interlocked.Exchange(ref _count, 1);
        }
        _parents[(owner, text)] = path;
        return path;
    }
}
