using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The sharding entity of one spawn shard, and so the only node that may start a process for
/// the shard's keys: it starts each key's process as its child, registers it once it has
/// started, and answers every request for the key with the holder's record. A process decides
/// its own lifetime; the host forgets it when it stops, and the owner's watch removes its entry.
/// </summary>
/// <remarks>
/// One host per shard rather than per key: a spawn then costs one actor (the user's process)
/// instead of two, sharding routes one batch per shard and node instead of one message per key,
/// and the answers go back the same way. Hosts live as long as their shard stays on the node.
/// </remarks>
internal sealed class SpawnHost : UntypedActor, IWithTimers
{
    private static readonly Identify StartedProbe = new(null);

    private readonly LocalView _view;
    private readonly IActorRef _registry;
    private readonly Cluster _cluster;
    private readonly UniqueAddress _self;
    private readonly ProcessRegistrySettings _settings;
    private readonly TimeSpan _startTimeout;
    private readonly RegistryClock _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Started and not registered yet: the clients waiting for the answer.
    private readonly Dictionary<string, Starting> _starting = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _keyOf = new();
    // Why a child failed to start, kept from its supervision until its Terminated arrives.
    private readonly Dictionary<IActorRef, Exception> _startFailures = new();
    private readonly Dictionary<IActorRef, List<SpawnResult>> _outgoing = new();
    private readonly FlushPacing _answers;
    private int _waitingAnswers;

    /// <remarks><paramref name="registry"/>: this node's registry actor, which registers what the host starts.</remarks>
    public SpawnHost(LocalView view, IActorRef registry, ProcessRegistrySettings settings, RegistryClock clock)
    {
        _view = view;
        _registry = registry;
        _startTimeout = settings.AskTimeout;
        _clock = clock;
        _answers = new FlushPacing(settings.SpawnBatchInterval, SendResults.Instance, _clock);
        _cluster = Cluster.Get(Context.System);
        _self = _cluster.SelfUniqueAddress;
        _settings = settings;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A mailbox named in the props spares Akka's ActorOf the reflection over the actor type's
    // mailbox requirements (and the lock of a Lazy) that an unnamed one costs.
    public static Props Props(LocalView view, IActorRef registry, ProcessRegistrySettings settings, RegistryClock clock) =>
        global::Akka.Actor.Props.Create(() => new SpawnHost(view, registry, settings, clock)).WithMailbox("akka.actor.default-mailbox");

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(CheckStarts), CheckStarts.Instance, _startTimeout);

    protected override SupervisorStrategy SupervisorStrategy() => new ChildSupervision(this);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SpawnBatch batch:
                if (!Membership.LocalOrMember(_cluster, Sender))
                {
                    _log.Warning("Refused a spawn batch from {0}, which is not a member of the cluster.", Sender.Path.Address);
                    break;
                }
                foreach (var request in batch.Requests)
                    Handle(request, Sender);
                break;
            case ActorIdentity { Subject: { } process }:
                Register(process);
                break;
            case ActorIdentity:
                break; // the process stopped before it answered; its Terminated settles the key
            case RegisterAccepted accepted:
                Registered(accepted.Record);
                break;
            case RegisterRejected:
                // A forced registration is refused only when the process already stopped; its
                // Terminated settles the key.
                break;
            case SendResults:
                Send();
                break;
            case CheckStarts:
                GiveUpSlowStarts();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Handle(SpawnRequest request, IActorRef client)
    {
        var key = request.Key;
        if (KeyLimits.Violation(key, _settings) is { } violation)
        {
            Answer(client, SpawnResult.Failed(key, $"The host refused a spawn request. {violation}"));
            return;
        }
        if (_starting.TryGetValue(key, out var starting))
            starting.Clients.Add(client);
        else if (HolderHere(key) is { } holder)
            Answer(client, SpawnResult.Holder(holder));
        else
            Start(request, client);
    }

    /// <summary>
    /// The key's live entry when this node owns it: a process this host started, or one of this
    /// node's processes registered directly. An entry another node owns may be a leftover of a
    /// node that crashed, which sharding's single activation overrides (the registration is
    /// forced). A process of this host that no longer holds its key (unregistered, or left running
    /// after losing a conflict) is not the key's process any more: the key gets a fresh one.
    /// </summary>
    private EntryRecord? HolderHere(string key) =>
        _view.TryGet(key, out var record) && record.Owner.Equals(_self) && !Processes.IsKnownDead(record.Pid)
            ? record
            : null;

    private void Start(SpawnRequest request, IActorRef client)
    {
        if (request.Props is null)
        {
            Answer(client, SpawnResult.Failed(request.Key, $"The host refused to start a process for key '{request.Key}': {request.Refusal}."));
            return;
        }
        IActorRef process;
        try
        {
            process = Context.ActorOf(request.Props);
        }
        catch (Exception ex)
        {
            Answer(client, SpawnResult.Failed(request.Key, $"The process for key '{request.Key}' could not be created: {ex.Message}"));
            return;
        }
        _keyOf[process] = request.Key;
        _starting[request.Key] = new Starting(process, _clock.Now, [client]);
        // A process answers only once its constructor ran: one that throws is never registered,
        // and its caller gets the exception rather than a pid that is already dead.
        process.Tell(StartedProbe);
    }

    private void Register(IActorRef process)
    {
        if (!_keyOf.TryGetValue(process, out var key) || !_starting.TryGetValue(key, out var starting) || !starting.Process.Equals(process)) return;
        _registry.Tell(new RegisterCommand(key, process, ImmutableDictionary<string, string>.Empty, LocalOnly.Mark));
    }

    private void Registered(EntryRecord record)
    {
        if (!_starting.TryGetValue(record.Key, out var starting) || !starting.Process.Equals(record.Pid)) return;
        _starting.Remove(record.Key);
        foreach (var client in starting.Clients)
            Answer(client, SpawnResult.Holder(record));
    }

    private void Stopped(IActorRef process)
    {
        var failure = _startFailures.Remove(process, out var cause) ? cause : null;
        if (!_keyOf.Remove(process, out var key)) return;
        if (!_starting.TryGetValue(key, out var starting) || !starting.Process.Equals(process)) return;
        _starting.Remove(key);
        var result = failure is null
            ? SpawnResult.AskAgain(key)
            : SpawnResult.Failed(key, $"The process for key '{key}' failed to start: {failure.Message}");
        foreach (var client in starting.Clients)
            Answer(client, result);
    }

    /// <summary>A process that neither started nor stopped, or a registry actor that did not answer (it answers unless it is restarting): the clients ask again.</summary>
    private void GiveUpSlowStarts()
    {
        var due = _clock.Now - _startTimeout;
        foreach (var (key, starting) in _starting.Where(pair => pair.Value.Since < due).ToList())
        {
            _log.Warning("The process for key [{0}] was not started and registered within {1}; stopping it.", key, _startTimeout);
            _starting.Remove(key);
            Context.Stop(starting.Process);
            foreach (var client in starting.Clients)
                Answer(client, SpawnResult.AskAgain(key));
        }
    }

    /// <summary>Answers go out a batch per client, paced by spawn.batch-interval.</summary>
    private void Answer(IActorRef client, SpawnResult result)
    {
        if (!_outgoing.TryGetValue(client, out var results))
            _outgoing[client] = results = new List<SpawnResult>();
        results.Add(result);
        _answers.Request(Self, Timers, ++_waitingAnswers);
    }

    private void Send()
    {
        _answers.Flushed();
        _waitingAnswers = 0;
        foreach (var (client, results) in _outgoing)
        {
            foreach (var chunk in MessageChunks.Of(results, result => result.Record?.EstimatedWireSize ?? 3 * result.Key.Length + 2 * (result.Failure?.Length ?? 0) + 8))
                client.Tell(new SpawnResults(chunk));
        }
        _outgoing.Clear();
    }

    /// <summary>
    /// How the host supervises its processes: one whose constructor throws is stopped, and its
    /// exception kept for its callers; others as Akka's default does. And it tells the host of
    /// every process that stopped, as a watch would, without a watch's bookkeeping in both actors
    /// (a parent hears of its children's ends anyway).
    /// </summary>
    private sealed class ChildSupervision(SpawnHost host) : OneForOneStrategy(cause => Decide(host, cause))
    {
        private static Directive Decide(SpawnHost host, Exception cause)
        {
            if (cause is not ActorInitializationException { Actor: { } child }) return DefaultDecider.Decide(cause);
            // The constructor's own exception, not the reflection or Akka wrappers around it.
            var thrown = cause;
            while (thrown.InnerException is { } inner)
                thrown = inner;
            host._startFailures[child] = thrown;
            return Directive.Stop;
        }

        public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
            host.Stopped(child);
    }

    /// <summary>A process starting, then being registered; the clients wait for the answer.</summary>
    private sealed record Starting(IActorRef Process, TimeSpan Since, List<IActorRef> Clients);

    private sealed class SendResults
    {
        public static readonly SendResults Instance = new();
    }

    private sealed class CheckStarts
    {
        public static readonly CheckStarts Instance = new();
    }
}
