using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The sharding entity of one key: starts the key's process as its child, registers it, and
/// answers every request with the child's ref. It lives exactly as long as its process: when the
/// child stops, the host passivates, and the owner's watch removes the entry.
/// </summary>
internal sealed class SpawnHost : ReceiveActor, IWithStash
{
    private IActorRef? _process;

    public SpawnHost()
    {
        Receive<SpawnRequest>(Spawn);
        Receive<Terminated>(_ => BeginStopping());
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props() => global::Akka.Actor.Props.Create<SpawnHost>();

    private void Spawn(SpawnRequest request)
    {
        if (_process is not null)
        {
            Sender.Tell(new SpawnReply(request.Key, _process));
            return;
        }
        var process = Context.Watch(Context.ActorOf(request.Props, "process"));
        Context.System.Registry().RegisterForced(request.Key, process).PipeTo(
            Self,
            success: _ => new Registered(process),
            failure: ex => new Status.Failure(ex));
        var requester = Sender;
        BecomeStacked(message =>
        {
            switch (message)
            {
                case Registered registered:
                    _process = registered.Process;
                    requester.Tell(new SpawnReply(request.Key, registered.Process));
                    UnbecomeStacked();
                    Stash.UnstashAll();
                    return true;
                case Status.Failure failure:
                    Context.GetLogger().Error(failure.Cause, "Could not register the process for key [{0}].", request.Key);
                    requester.Tell(failure);
                    Context.Stop(process);
                    UnbecomeStacked();
                    return true;
                default:
                    Stash.Stash();
                    return true;
            }
        });
    }

    /// <summary>
    /// The process is gone, so the host goes too. Requests already on their way here are told to
    /// ask again: the shard buffers them once it handles the Passivate and starts a fresh host.
    /// </summary>
    private void BeginStopping()
    {
        _process = null;
        Context.Parent.Tell(new Passivate(StopHost.Instance));
        Become(() =>
        {
            Receive<SpawnRequest>(request => Sender.Tell(new SpawnReply(request.Key, null)));
            Receive<StopHost>(_ => Context.Stop(Self));
        });
    }

    private sealed record Registered(IActorRef Process);

    private sealed class StopHost
    {
        public static readonly StopHost Instance = new();
    }
}
