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
internal sealed record DurableStopped(string Key, string Kind, LocalOnly Mark);

/// <summary>
/// The agent asks its keeper whether to start a <see cref="SpawnRequest.Revival"/>: a keeper's
/// request may reach the host after the key's revived process already stopped by itself.
/// </summary>
internal sealed record MayRevive(SpawnRequest Request, IActorRef Client, LocalOnly Mark);

/// <summary>The keeper's answer to <see cref="MayRevive"/>: null, or why the key is not started.</summary>
internal sealed record RevivalDecided(SpawnRequest Request, IActorRef Client, string? Refusal, LocalOnly Mark);

/// <summary>What the keeper's write of one DData key tells when it completes: the bucket, the started keys, and whom to tell.</summary>
internal sealed record DurableWrite(int Bucket, IReadOnlyList<string> Started, IActorRef Agent);
