using System.Collections.Concurrent;
using Akka.Actor;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// Shared ancestors of the pids records carry. Processes under one parent (/user) or one shard
/// share that path, so a pid read from the wire costs its own path elements and ref instead of
/// a fresh root and chain of ancestors: at a million entries that chain was a fifth of every
/// replica's memory.
/// </summary>
/// <remarks>
/// The cached ancestor is the parent of a top-level actor (/user/name) and the grandparent of
/// deeper ones: a spawned process is the only child of its own sharding entity, so its parent
/// is as unique as the process and caching it would only churn the cache.
/// </remarks>
internal sealed class ParentPathCache
{
    // Ancestors are few (owners times guardians and shards); only churn of nodes fills it.
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<(Address Owner, string Ancestor), ActorPath> _ancestors = new();
    private int _count;

    /// <summary>The path of an actor on <paramref name="owner"/> from its elements, the last being its own name.</summary>
    public ActorPath PathOf(Address owner, string[] elements, long uid)
    {
        var shared = elements.Length switch
        {
            1 => 0,
            2 => 1,
            _ => elements.Length - 2,
        };
        var path = shared == 0 ? new RootActorPath(owner) : AncestorOf(owner, elements, shared);
        for (var i = shared; i < elements.Length - 1; i++)
            path /= elements[i];
        return new ChildActorPath(path, elements[^1], uid);
    }

    /// <summary>The path of the first <paramref name="depth"/> elements.</summary>
    private ActorPath AncestorOf(Address owner, string[] elements, int depth)
    {
        var text = depth == 1 ? elements[0] : string.Join('/', elements, 0, depth);
        if (_ancestors.TryGetValue((owner, text), out var ancestor)) return ancestor;
        ActorPath path = new RootActorPath(owner);
        for (var i = 0; i < depth; i++)
            path /= elements[i];
        // Counted here: ConcurrentDictionary.Count takes every lock.
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _ancestors.Clear();
            Interlocked.Exchange(ref _count, 1);
        }
        _ancestors[(owner, text)] = path;
        return path;
    }
}
