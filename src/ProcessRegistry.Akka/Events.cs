using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>Why an entry left the registry.</summary>
public enum UnregisterReason
{
    /// <summary><see cref="ClusterProcessRegistry.Unregister"/> was called.</summary>
    Unregistered,

    /// <summary>The registered process stopped.</summary>
    Terminated,

    /// <summary>The node hosting the process was removed from the cluster (left, or was downed).</summary>
    NodeRemoved,

    /// <summary>Another process won the key in a conflict.</summary>
    ConflictLost,
}

/// <summary>Base of every event published to <see cref="ClusterProcessRegistry.Subscribe"/> subscribers.</summary>
/// <param name="Key">The key the event is about.</param>
public abstract record RegistryEvent(string Key);

/// <summary>A key became registered in this node's replica.</summary>
/// <param name="Entry">The new entry.</param>
public sealed record ProcessRegistered(RegistryEntry Entry) : RegistryEvent(Entry.Key);

/// <summary>The metadata of a registered key changed; the pid stayed the same.</summary>
/// <param name="Previous">The entry before the change.</param>
/// <param name="Entry">The entry after the change.</param>
public sealed record ProcessUpdated(RegistryEntry Previous, RegistryEntry Entry) : RegistryEvent(Entry.Key);

/// <summary>A key left this node's replica.</summary>
/// <param name="Entry">The entry that left.</param>
/// <param name="Reason">Why it left.</param>
public sealed record ProcessUnregistered(RegistryEntry Entry, UnregisterReason Reason) : RegistryEvent(Entry.Key);

/// <summary>
/// Published on the node that owns the losing process when two live processes held one key.
/// </summary>
/// <param name="Key">The contested key.</param>
/// <param name="Winner">The process that keeps the key.</param>
/// <param name="Loser">The process that lost it.</param>
public sealed record RegistrationConflict(string Key, IActorRef Winner, IActorRef Loser) : RegistryEvent(Key);

/// <summary>
/// Sent to a process that lost its key in a conflict, before it is stopped
/// (unless <c>on-conflict = notify</c>): Horde's <c>name_conflict</c>.
/// </summary>
/// <param name="Key">The key the process no longer holds.</param>
/// <param name="Winner">The process that holds it now.</param>
public sealed record NameConflict(string Key, IActorRef Winner);
