using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// The first registration keeps the key (<c>conflict-resolver = keep-oldest</c>); equal
/// registration times fall back to the canonical order.
/// </summary>
public sealed class KeepOldestResolver : IConflictResolver
{
    /// <inheritdoc />
    public IActorRef ChooseWinner(string key, RegistryEntry first, RegistryEntry second) =>
        first.RegisteredAt <= second.RegisteredAt ? first.Pid : second.Pid;
}
