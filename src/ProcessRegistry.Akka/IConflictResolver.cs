using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// Chooses which of two live processes keeps a key after they were registered concurrently
/// (for example on both sides of a network partition).
/// </summary>
/// <remarks>
/// It runs on the node that detects the conflict, which may be either owner, so it must be
/// deterministic: the same two entries must give the same answer on every node. The registry
/// always passes the two entries in one canonical order, so the resolver need not be symmetric.
/// Returning neither pid, or throwing, frees the key and stops nobody.
/// </remarks>
public interface IConflictResolver
{
    /// <summary>Returns the pid of <paramref name="first"/> or <paramref name="second"/>, or null to free the key.</summary>
    IActorRef? ChooseWinner(string key, RegistryEntry first, RegistryEntry second);
}
