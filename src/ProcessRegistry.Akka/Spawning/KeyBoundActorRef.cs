using Akka.Actor;
using Akka.Event;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// A reference bound to a key rather than to one process (Elixir's via tuple): every Tell
/// resolves the key at send time, and, when made with props, spawns the key's process if there
/// is none. Messages sent while a spawn is under way wait for it, in the order they were sent.
/// It is a handle for this node; it is not meant to be sent to other nodes.
/// </summary>
internal sealed class KeyBoundActorRef : MinimalActorRef
{
    private readonly Func<string, IActorRef?> _lookup;
    private readonly Func<string, Task<IActorRef>>? _spawn;
    private readonly ActorSystem _system;
    private readonly string _key;
    private readonly object _gate = new();
    private Task _pending = Task.CompletedTask;

    /// <remarks>
    /// <paramref name="lookup"/> reads the key's live process on this node; <paramref name="spawn"/>,
    /// when there is one, gets or starts it (the registry's <c>GetPid</c> by props or by kind).
    /// </remarks>
    public KeyBoundActorRef(Func<string, IActorRef?> lookup, Func<string, Task<IActorRef>>? spawn, ExtendedActorSystem system, string key)
    {
        _lookup = lookup;
        _spawn = spawn;
        _system = system;
        _key = key;
        Provider = system.Provider;
        Path = system.Provider.TempPath();
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    protected override void TellInternal(object message, IActorRef sender)
    {
        lock (_gate)
        {
            if (_pending.IsCompleted && _lookup(_key) is { } pid)
            {
                pid.Tell(message, sender);
                return;
            }
            if (_spawn is null)
            {
                _system.Log.Warning("No process is registered under key [{0}]; {1} goes to dead letters.", _key, message.GetType().Name);
                ToDeadLetters(message, sender);
                return;
            }
            _pending = _pending.ContinueWith(_ => Deliver(message, sender), TaskScheduler.Default).Unwrap();
        }
    }

    private async Task Deliver(object message, IActorRef sender)
    {
        try
        {
            (await _spawn!(_key).ConfigureAwait(false)).Tell(message, sender);
        }
        catch (Exception ex)
        {
            _system.Log.Warning(ex, "Could not spawn a process for key [{0}]; {1} goes to dead letters.", _key, message.GetType().Name);
            ToDeadLetters(message, sender);
        }
    }

    /// <summary>A plain Tell outside an actor has no sender, and a dead letter must name one.</summary>
    private void ToDeadLetters(object message, IActorRef? sender)
    {
        var from = sender.IsNobody() ? _system.DeadLetters : sender!;
        _system.DeadLetters.Tell(new DeadLetter(message, from, this), from);
    }
}
