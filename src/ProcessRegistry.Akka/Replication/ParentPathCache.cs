using System.Collections.Concurrent;
using Akka.Actor;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The parent paths of the pids records carry, one instance each. Processes under one parent
/// (/user, a shard) share it, so a pid read from the wire costs its own path element and ref
/// instead of a fresh root and a chain of parents: at a million entries that chain was a fifth
/// of every replica's memory.
/// </summary>
internal sealed class ParentPathCache
{
    // Parents are few (owners times user guardians and shards); only churn of nodes fills it.
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<(Address Owner, string Parent), ActorPath> _parents = new();

    /// <summary>The path of an actor on <paramref name="owner"/> from its elements, the last being its own name.</summary>
    public ActorPath PathOf(Address owner, string[] elements, long uid)
    {
        var parent = elements.Length switch
        {
            1 => new RootActorPath(owner),
            2 => ParentOf(owner, elements[0], elements),
            _ => ParentOf(owner, string.Join('/', elements, 0, elements.Length - 1), elements),
        };
        return new ChildActorPath(parent, elements[^1], uid);
    }

    private ActorPath ParentOf(Address owner, string parentText, string[] elements)
    {
        if (_parents.TryGetValue((owner, parentText), out var parent)) return parent;
        parent = new RootActorPath(owner);
        for (var i = 0; i < elements.Length - 1; i++)
            parent /= elements[i];
        if (_parents.Count >= Capacity) _parents.Clear();
        _parents[(owner, parentText)] = parent;
        return parent;
    }
}
