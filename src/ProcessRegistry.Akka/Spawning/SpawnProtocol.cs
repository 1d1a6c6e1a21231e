using Akka.Actor;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>Sent through the spawn region: the host entity of <paramref name="Key"/> starts the process from <paramref name="Props"/> if it has none.</summary>
internal sealed record SpawnRequest(string Key, Props Props);

/// <summary>The process that now holds the key; null when the host was stopping with its old process and the caller must ask again.</summary>
internal sealed record SpawnReply(string Key, IActorRef? Pid);
