using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// The default policy (as syn and Horde): the most recent registration keeps the key; equal
/// registration times fall back to the canonical order, so the answer is the same everywhere.
/// </summary>
public sealed class KeepNewestResolver : IConflictResolver
{
    /// <inheritdoc />
    public IActorRef ChooseWinner(string key, RegistryEntry first, RegistryEntry second) =>
        second.RegisteredAt >= first.RegisteredAt ? second.Pid : first.Pid;
}
