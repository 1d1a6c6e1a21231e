using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The sharding entity of one key: starts the key's process as its child, registers it, and
/// answers every request with the child's ref. It lives exactly as long as its process: when the
/// child stops, the host passivates, and the owner's watch removes the entry.
/// </summary>
/// <remarks>
/// The host registers by telling its node's registry actor and taking the answer as a message,
/// not through an Ask: spawning is bound by CPU, and an Ask costs a temporary actor, a timer
/// and a task per process.
/// </remarks>
internal sealed class SpawnHost : ReceiveActor, IWithStash, IWithTimers
{
    private IActorRef? _process;

    public SpawnHost()
    {
        Receive<SpawnRequest>(Spawn);
        Receive<Terminated>(_ => BeginStopping());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => global::Akka.Actor.Props.Create<SpawnHost>();

    private void Spawn(SpawnRequest request)
    {
        if (_process is not null)
        {
            Sender.Tell(new SpawnReply(request.Key, _process));
            return;
        }
        var process = Context.Watch(Context.ActorOf(request.Props, "process"));
        var registry = ProcessRegistry.Get(Context.System);
        // Force: sharding guarantees this is the key's only host, so a holder left over from a
        // crashed node must give way.
        registry.RegistryActor.Tell(new RegisterCommand(request.Key, process, ImmutableDictionary<string, string>.Empty, Force: true));
        Timers.StartSingleTimer(nameof(RegistrationTimedOut), RegistrationTimedOut.Instance, registry.Settings.AskTimeout);
        var requester = Sender;

        void Fail(Exception cause)
        {
            Context.GetLogger().Error(cause, "Could not register the process for key [{0}].", request.Key);
            requester.Tell(new Status.Failure(cause));
            Context.Stop(process);
            UnbecomeStacked();
        }

        BecomeStacked(message =>
        {
            switch (message)
            {
                case RegisterAccepted:
                    Timers.Cancel(nameof(RegistrationTimedOut));
                    _process = process;
                    requester.Tell(new SpawnReply(request.Key, process));
                    UnbecomeStacked();
                    Stash.UnstashAll();
                    return true;
                case RegisterRejected rejected:
                    Timers.Cancel(nameof(RegistrationTimedOut));
                    Fail(new ArgumentException(rejected.Reason));
                    return true;
                case RegistrationTimedOut:
                    Fail(new TimeoutException($"The registry did not register the process for key '{request.Key}' within {registry.Settings.AskTimeout}."));
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

    private sealed class RegistrationTimedOut
    {
        public static readonly RegistrationTimedOut Instance = new();
    }

    private sealed class StopHost
    {
        public static readonly StopHost Instance = new();
    }
}
