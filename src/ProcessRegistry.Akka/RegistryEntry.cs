using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// One registration as this node's replica sees it.
/// </summary>
/// <param name="Key">The registered key.</param>
/// <param name="Pid">The live process registered under the key.</param>
/// <param name="Node">Address of the node that hosts (and owns) the process.</param>
/// <param name="Metadata">Labels attached at registration, updated by re-registering the same pid.</param>
/// <param name="RegisteredAt">When the owner first registered this pid under this key (UTC).</param>
public sealed record RegistryEntry(
    string Key,
    IActorRef Pid,
    Address Node,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset RegisteredAt)
{
    /// <summary>Write version in the replicated map; a newer write of the same key has a larger one.</summary>
    internal long Version { get; init; }
}
