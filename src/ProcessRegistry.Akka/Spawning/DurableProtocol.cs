using Akka.Actor;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

// The agent and the keeper of one node exchange these, marked with the node's LocalOnly mark: a
// copy from another node is ignored.

/// <summary>
/// This node's <see cref="SpawnAgent"/> started and registered the process of a durable kind's
/// key; the keeper answers with <see cref="DurableWritten"/> once the key is in the durable set.
/// </summary>
internal sealed record DurableStarted(string Key, string Kind, LocalOnly Mark);

/// <summary>
/// The keys of <see cref="DurableStarted"/> that are now in the durable set of a majority of the
/// nodes (or, when no majority answered in time, of this node, from where gossip spreads them).
/// </summary>
internal sealed record DurableWritten(IReadOnlyList<string> Keys, LocalOnly Mark);

/// <summary>The process of a durable key on this node stopped by itself: the key is no longer kept running.</summary>
internal sealed record DurableStopped(string Key, LocalOnly Mark);

/// <summary>What the keeper's write of one DData key tells when it completes: the started keys, and whom to tell.</summary>
internal sealed record DurableWrite(IReadOnlyList<string> Started, IActorRef Agent);
