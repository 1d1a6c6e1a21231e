using Akka.Actor;
using Akka.Event;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// A reference bound to a key rather than to one process (Elixir's via tuple): every Tell
/// resolves the key at send time, and, when made with props or a kind, spawns the key's process if
/// there is none. Messages sent while a spawn is under way, or while the key's process moves to
/// another node, wait for it, in the order they were sent. It is a handle for this node; it is not
/// meant to be sent to other nodes.
/// </summary>
internal sealed class KeyBoundActorRef : MinimalActorRef
{
    private readonly Func<string, IActorRef?> _lookup;
    private readonly Func<string, Task<IActorRef>>? _spawn;
    private readonly MovingKeys _moving;
    private readonly ActorSystem _system;
    private readonly string _key;
    private readonly object _gate = new();
    private Task _pending = Task.CompletedTask;

    /// <remarks>
    /// <paramref name="lookup"/> reads the key's live process on this node; <paramref name="spawn"/>,
    /// when there is one, gets or starts it (the registry's <c>GetPid</c> by props or by kind);
    /// <paramref name="moving"/> tells whether the key's process is moving, and where to.
    /// </remarks>
    public KeyBoundActorRef(Func<string, IActorRef?> lookup, Func<string, Task<IActorRef>>? spawn, MovingKeys moving, ExtendedActorSystem system, string key)
    {
        _lookup = lookup;
        _spawn = spawn;
        _moving = moving;
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
            if (_pending.IsCompleted)
            {
                using (_moving.Enter())
                {
                    if (!_moving.IsMoving(_key) && _lookup(_key) is { } pid)
                    {
                        pid.Tell(message, sender);
                        return;
                    }
                }
                if (_spawn is null && !_moving.IsMoving(_key))
                {
                    NoProcess(message, sender);
                    return;
                }
            }
            _pending = _pending.ContinueWith(_ => Deliver(message, sender), TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Sends a message that had to wait: once the key's move is over, to its process, spawned when there is none and the ref can spawn.</summary>
    private async Task Deliver(object message, IActorRef sender)
    {
        try
        {
            IActorRef? spawned = null;
            while (true)
            {
                if (_moving.TryGetMove(_key, out var moved))
                {
                    await moved.ConfigureAwait(false);
                    continue;
                }
                using (_moving.Enter())
                {
                    if (_moving.IsMoving(_key)) continue;
                    if ((_lookup(_key) ?? spawned) is { } pid)
                    {
                        pid.Tell(message, sender);
                        return;
                    }
                }
                if (_spawn is null)
                {
                    NoProcess(message, sender);
                    return;
                }
                spawned = await _spawn(_key).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _system.Log.Warning(ex, "Could not spawn a process for key [{0}]; {1} goes to dead letters.", _key, message.GetType().Name);
            ToDeadLetters(message, sender);
        }
    }

    private void NoProcess(object message, IActorRef sender)
    {
        _system.Log.Warning("No process is registered under key [{0}]; {1} goes to dead letters.", _key, message.GetType().Name);
        ToDeadLetters(message, sender);
    }

    /// <summary>A plain Tell outside an actor has no sender, and a dead letter must name one.</summary>
    private void ToDeadLetters(object message, IActorRef? sender)
    {
        var from = sender.IsNobody() ? _system.DeadLetters : sender!;
        _system.DeadLetters.Tell(new DeadLetter(message, from, this), from);
    }
}
