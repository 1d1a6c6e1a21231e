using Akka.Actor;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The sender of a command this node's API sends its registry actor, in place of an Ask's
/// temporary actor. The registry actor answers its own node's callers itself (a command for
/// another owner is forwarded, and the owner's answer relayed), so an answer is always a local
/// tell, and can complete the caller's task directly: no temporary actor to name, register in
/// the provider and unregister, under a lock every caller on the node shares.
/// </summary>
internal sealed class LocalReply : MinimalActorRef
{
    private readonly TaskCompletionSource<object> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LocalReply(IActorRefProvider provider, ActorPath path)
    {
        Provider = provider;
        Path = path;
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    public Task<object> Answer => _answer.Task;

    protected override void TellInternal(object message, IActorRef sender) => _answer.TrySetResult(message);

    // Every reply shares one path; each is its own caller.
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
