using Akka.Actor;

namespace ProcessRegistry.Akka.Support;

/// <summary>
/// The sender of a command this node's API sends one of its actors, in place of an Ask's
/// temporary actor. The registry actor and the spawn client answer their own node's callers
/// themselves (a command for another node is forwarded, and the answer relayed), so an answer is
/// always a local tell, and completes the caller's task directly: no temporary actor to name,
/// register in the provider and unregister, under a lock every caller on the node shares.
/// </summary>
/// <param name="provider">The node's provider.</param>
/// <param name="path">The path it shows; nothing resolves it, answers reach it by reference.</param>
/// <param name="read">Turns the answer into the task's result, or throws what the task faults with.</param>
internal sealed class LocalReply<T>(IActorRefProvider provider, ActorPath path, Func<object, T> read) : MinimalActorRef
{
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ActorPath Path { get; } = path;

    public override IActorRefProvider Provider { get; } = provider;

    public Task<T> Answer => _answer.Task;

    protected override void TellInternal(object message, IActorRef sender)
    {
        try
        {
            _answer.TrySetResult(read(message));
        }
        catch (Exception ex)
        {
            _answer.TrySetException(ex);
        }
    }

    // Every reply shares one path; each is its own caller.
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
