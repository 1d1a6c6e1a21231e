using Akka.Actor;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// Actor paths compared by their elements alone, whatever their address: a message names each
/// parent of its pids once, relative to the pids' owner, and equal buckets must write equal
/// tables on every replica whether or not their records share parent instances.
/// </summary>
internal sealed class PathElementsComparer : IEqualityComparer<ActorPath>
{
    public static readonly PathElementsComparer Instance = new();

    public bool Equals(ActorPath? x, ActorPath? y)
    {
        if (x is null || y is null) return ReferenceEquals(x, y);
        if (x.Depth != y.Depth) return false;
        for (; x is ChildActorPath; x = x.Parent, y = y.Parent)
        {
            if (ReferenceEquals(x, y)) return true;
            if (!string.Equals(x.Name, y!.Name, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public int GetHashCode(ActorPath path)
    {
        var hash = new HashCode();
        for (var element = path; element is ChildActorPath; element = element.Parent)
            hash.Add(element.Name, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
