namespace ProcessRegistry.Akka;

/// <summary>
/// Sent to a process of a spawn kind with <see cref="SpawnKindOptions.HandOff"/> when its node
/// leaves the cluster gracefully: the process answers the sender with one message, its state,
/// and stops handling work. Its successor, started by the kind's factory on another member,
/// receives that message before any other, and takes over the key.
/// </summary>
/// <remarks>
/// The state travels as an ordinary Akka message, so it needs a serializer like any message sent
/// to another node. A process that does not answer within the hand-off's time is stopped with
/// its node, and its key starts again on demand (or, for a durable kind, by itself).
/// </remarks>
/// <param name="Key">The key whose process is moving.</param>
public sealed record HandOff(string Key);
