using Akka.Actor;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// Another node's process as its owner's record names it: its parent's path (shared by the
/// owner's processes), its name and its uid, built into a ref the first time something reads
/// the record's pid. Every node holds every entry, but a node reads few of the other nodes'
/// pids; a ref and its path cost 120 bytes where these parts cost 48.
/// </summary>
internal sealed class PeerPid(RemoteRefs refs, ActorPath parent, string name, long uid)
{
    public ActorPath Parent { get; } = parent;

    public string Name { get; } = name;

    public long Uid { get; } = uid;

    public IActorRef Build() => refs.Resolve(new ChildActorPath(Parent, Name, Uid));

    /// <summary>The same process: the parent compared by reference first, since one owner's records share theirs.</summary>
    public bool SameAs(PeerPid other) =>
        Uid == other.Uid && Name == other.Name && (ReferenceEquals(Parent, other.Parent) || Parent.Equals(other.Parent));
}
