using Akka.Actor;
using Akka.Remote;

namespace ProcessRegistry.Akka.Registry;

/// <summary>What the registry can tell about a pid without asking anybody.</summary>
internal static class Processes
{
    /// <summary>
    /// An actor: one of this node's (it has a cell), or a ref to another node's, which that node
    /// checks in turn. Everything else that implements IActorRef (Nobody, dead letters, the
    /// key-bound refs of RefFor, temporary refs) is not a process; a key-bound ref registered under
    /// its own key would send every message to itself until the stack overflowed.
    /// </summary>
    public static bool IsProcess(IActorRef pid) => pid is ActorRefWithCell or RemoteActorRef;

    /// <summary>
    /// A local pid that already stopped. Akka marks IsTerminated obsolete in favour of watching,
    /// but a watch answers asynchronously and bad input must be refused before anything is written.
    /// Remote pids are checked by their owner.
    /// </summary>
#pragma warning disable CS0618
    public static bool IsKnownDead(IActorRef pid) => pid is ActorRefWithCell { IsTerminated: true };
#pragma warning restore CS0618

    /// <summary>Whether a pid lives on this node.</summary>
    public static bool IsLocal(IActorRef pid) => pid is IInternalActorRef { IsLocal: true };
}
