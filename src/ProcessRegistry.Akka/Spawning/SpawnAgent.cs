using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Where spawned processes live on a node, one agent per node: a shard's <see cref="SpawnHost"/>
/// places a key here, and the agent starts the key's process as its child (from the request's
/// props, or by its kind's factory, run here), registers it once its constructor ran, and answers
/// every client that waits for the key with the holder's record, itself: a record comes from the
/// node that owns it. A process decides its own lifetime; the agent forgets it when it stops, and
/// the owner's watch removes its entry.
/// </summary>
/// <remarks>
/// The host decides (one per shard, so one decision per key); the agent starts. A process then
/// costs one actor (the user's process), wherever the key is placed.
/// </remarks>
internal sealed partial class SpawnAgent : UntypedActor, IWithTimers
{
    /// <summary>The agent of every node is at <c>/system/{name}{NameSuffix}</c>.</summary>
    public const string NameSuffix = "-spawn-agent";

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
    private readonly SpawnKinds _kinds;
    private readonly SpawnAnswers _answers;
    private readonly IActorRef _durableKeeper;
    private readonly MovingKeys _moving;
    // The path of the replies processes send their state to; nothing resolves it.
    private readonly ActorPath _replyPath;
    // Running processes started by kind, and their kind.
    private readonly Dictionary<IActorRef, SpawnKind> _kindOf = new();

    /// <remarks>
    /// <paramref name="registry"/>: this node's registry actor, which registers what the agent starts;
    /// <paramref name="durableKeeper"/>: this node's <see cref="DurableKeeper"/>, told of durable keys that start and stop.
    /// </remarks>
    public SpawnAgent(LocalView view, MovingKeys moving, IActorRef registry, IActorRef durableKeeper, SpawnKinds kinds, ProcessRegistrySettings settings, RegistryClock clock)
    {
        _moving = moving;
        _replyPath = ((ExtendedActorSystem)Context.System).Provider.TempPath();
        _durableKeeper = durableKeeper;
        _view = view;
        _registry = registry;
        _kinds = kinds;
        _startTimeout = settings.AskTimeout;
        _clock = clock;
        _answers = new SpawnAnswers(Self, this, settings.SpawnBatchInterval, SendResults.Instance, clock);
        _cluster = Cluster.Get(Context.System);
        _self = _cluster.SelfUniqueAddress;
        _settings = settings;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A mailbox named in the props spares Akka's ActorOf the reflection over the actor type's
    // mailbox requirements (and the lock of a Lazy) that an unnamed one costs.
    public static Props Props(LocalView view, MovingKeys moving, IActorRef registry, IActorRef durableKeeper, SpawnKinds kinds, ProcessRegistrySettings settings, RegistryClock clock) =>
        global::Akka.Actor.Props.Create(() => new SpawnAgent(view, moving, registry, durableKeeper, kinds, settings, clock)).WithMailbox("akka.actor.default-mailbox");

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(nameof(CheckStarts), CheckStarts.Instance, _startTimeout);
        _cluster.Subscribe(Self, typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberUp));
        if (_settings.RebalanceEnabled)
            Timers.StartPeriodicTimer(nameof(Rebalance), Rebalance.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override SupervisorStrategy SupervisorStrategy() => new ChildSupervision(this);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartBatch batch:
                if (!Membership.Admits(_cluster, Sender, _log, "a start batch")) break;
                foreach (var (request, client) in batch.Starts)
                    Handle(request, client);
                break;
            case ActorIdentity { Subject: { } process }:
                Register(process);
                break;
            case ActorIdentity:
                break; // the process stopped before it answered; its Terminated settles the key
            case RegisterAccepted accepted:
                Registered(accepted.Record);
                break;
            case RevivalDecided decided when LocalOnly.Carries(decided.Mark):
                if (decided.Refusal is null)
                    Handle(decided.Request with { Revival = false }, decided.Client);
                else
                    _answers.Answer(decided.Client, SpawnResult.Failed(decided.Request.Key, decided.Refusal));
                break;
            case DurableWritten written when LocalOnly.Carries(written.Mark):
                DurablyRegistered(written.Keys);
                break;
            case RegisterRejected:
                // A forced registration is refused only when the process already stopped; its
                // Terminated settles the key.
                break;
            case SendResults:
                _answers.Send();
                break;
            case CheckStarts:
                GiveUpSlowStarts();
                _moving.Expire(_settings.SpawnTimeout);
                break;
            case ClusterEvent.MemberRemoved removed:
                _moving.NodeRemoved(removed.Member.Address);
                _balanced = false;
                break;
            case ClusterEvent.MemberUp:
                _balanced = false;
                break;
            case ClusterEvent.CurrentClusterState:
                // The members when the agent subscribed: it acts on changes only.
                break;
            case Rebalance:
                MoveMisplaced();
                break;
            case KeysMoving moving:
                if (!Membership.Admits(_cluster, Sender, _log, "keys moving")) break;
                MarkMoving(moving.Keys, Sender);
                break;
            default:
                if (!OnDeparture(message) && !OnArrival(message))
                    Unhandled(message);
                break;
        }
    }

    private void Handle(SpawnRequest request, IActorRef client)
    {
        var key = request.Key;
        if (KeyLimits.Violation(key, _settings) is { } violation)
        {
            _answers.Answer(client, SpawnResult.Failed(key, $"{_self.Address} refused a spawn request. {violation}"));
            return;
        }
        if (_starting.TryGetValue(key, out var starting))
            starting.Clients.Add(client);
        else if (HolderHere(key) is { } holder)
            _answers.Answer(client, SpawnResult.Holder(holder));
        else if (request.Revival)
            _durableKeeper.Tell(new MayRevive(request, client, LocalOnly.Mark));
        else
            Start(request, client);
    }

    /// <summary>
    /// The key's live entry when this node owns it: a process this agent started, or one of this
    /// node's processes registered directly. An entry another node owns may be a leftover of a
    /// node that crashed, which the host's single decision overrides (the registration is
    /// forced). A process that no longer holds its key (unregistered, or left running after losing
    /// a conflict) is not the key's process any more: the key gets a fresh one.
    /// </summary>
    private EntryRecord? HolderHere(string key) =>
        _view.TryGet(key, out var record) && record.Owner.Equals(_self) && !record.PidKnownDead
            ? record
            : null;

    private void Start(SpawnRequest request, IActorRef client)
    {
        var key = request.Key;
        IActorRef process;
        try
        {
            var props = request.Kind is { } kind ? PropsOfKind(key, kind) : request.Props;
            if (props is null)
            {
                _answers.Answer(client, SpawnResult.Failed(key, $"{_self.Address} refused to start a process for key '{key}': {request.Refusal}."));
                return;
            }
            process = Context.ActorOf(props);
        }
        catch (Exception ex)
        {
            _answers.Answer(client, SpawnResult.Failed(key, $"The process for key '{key}' could not be created on {_self.Address}: {ex.Message}"));
            return;
        }
        _keyOf[process] = key;
        _starting[key] = new Starting(process, _clock.Now, [client], KindOf(request));
        // A process answers only once its constructor ran: one that throws is never registered,
        // and its caller gets the exception rather than a pid that is already dead.
        process.Tell(StartedProbe);
    }

    private SpawnKind? KindOf(SpawnRequest request) => request.Kind is { } name && _kinds.TryGet(name, out var kind) ? kind : null;

    /// <summary>The agent of <paramref name="node"/>.</summary>
    public static IActorRef At(ActorSystem system, ProcessRegistrySettings settings, Address node) =>
        ((ExtendedActorSystem)system).Provider.ResolveActorRef(new RootActorPath(node) / "system" / (settings.Name + NameSuffix));

    /// <summary>The props the kind's factory makes for the key on this node; throws, saying why, when this node cannot host the kind.</summary>
    private Props? PropsOfKind(string key, string kind)
    {
        if (!_kinds.TryGet(kind, out var known))
            throw new InvalidOperationException($"this node hosts no spawn kind '{kind}' (add it on every node that may host it)");
        if (known.Role is { } role && !_cluster.SelfMember.HasRole(role))
            throw new InvalidOperationException($"spawn kind '{kind}' runs only on nodes with role '{role}', which this node does not have");
        return known.Factory(key) ?? throw new InvalidOperationException($"the factory of spawn kind '{kind}' made no props");
    }

    private void Register(IActorRef process)
    {
        if (!_keyOf.TryGetValue(process, out var key) || !_starting.TryGetValue(key, out var starting) || !starting.Process.Equals(process)) return;
        _registry.Tell(new RegisterCommand(key, process, ImmutableDictionary<string, string>.Empty, LocalOnly.Mark));
    }

    private void Registered(EntryRecord record)
    {
        if (!_starting.TryGetValue(record.Key, out var starting) || !starting.Process.Equals(record.Pid)) return;
        if (starting.Kind is { } kind)
            _kindOf[starting.Process] = kind;
        if (starting.Kind is { Durable: true } durable)
        {
            // Its callers hear of it once the key is in the durable set: from then on, it outlives this node.
            starting.Record = record;
            _durableKeeper.Tell(new DurableStarted(record.Key, durable.Name, LocalOnly.Mark));
            return;
        }
        Answer(starting, record);
    }

    private void DurablyRegistered(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            if (_starting.TryGetValue(key, out var starting) && starting.Record is { } record)
                Answer(starting, record);
        }
    }

    private void Answer(Starting starting, EntryRecord record)
    {
        _starting.Remove(record.Key);
        foreach (var client in starting.Clients)
            _answers.Answer(client, SpawnResult.Holder(record));
    }

    private void Stopped(IActorRef process)
    {
        var failure = _startFailures.Remove(process, out var cause) ? cause : null;
        var kind = _kindOf.Remove(process, out var known) ? known : null;
        if (!_keyOf.Remove(process, out var key)) return;
        var byItself = !ShuttingDown();
        var starting = _starting.TryGetValue(key, out var started) && started.Process.Equals(process) ? started : null;
        // Its end (a system message) can overtake the registry's answer in this mailbox: the view
        // says whether the registry took it.
        var registered = starting?.Record ?? (_view.TryGet(key, out var record) && record.Pid.Equals(process) ? record : null);
        kind ??= registered is not null ? starting?.Kind : null;
        // A durable key stays in the set until its process stops by itself, not with its node.
        if (kind is { Durable: true } && byItself && failure is null)
            _durableKeeper.Tell(new DurableStopped(key, kind.Name, LocalOnly.Mark));
        if (starting is null) return;
        _starting.Remove(key);
        // A durable process that registered, then stopped by itself before its callers heard of it,
        // ran: they get it, as they would have a moment later. Asking again would start a key that
        // stopped by itself (a durable keeper's revival, for one).
        var result = failure is not null ? SpawnResult.Failed(key, $"The process for key '{key}' failed to start: {failure.Message}")
            : registered is not null && byItself && kind is { Durable: true } ? SpawnResult.Holder(registered)
            : SpawnResult.AskAgain(key);
        foreach (var client in starting.Clients)
            _answers.Answer(client, result);
    }

    /// <summary>
    /// Whether this node is on its way out: its processes stop with it, and their keys stay durable
    /// so that the survivors start them again.
    /// </summary>
    private bool ShuttingDown() =>
        CoordinatedShutdown.Get(Context.System).ShutdownReason is not null || !Membership.Counts(_cluster.SelfMember) ||
        _cluster.SelfMember.Status is MemberStatus.Leaving or MemberStatus.Exiting;

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
                _answers.Answer(client, SpawnResult.AskAgain(key));
        }
    }

    /// <summary>
    /// How the agent supervises its processes: one whose constructor throws is stopped, and its
    /// exception kept for its callers; others as Akka's default does. And it tells the agent of
    /// every process that stopped, as a watch would, without a watch's bookkeeping in both actors
    /// (a parent hears of its children's ends anyway).
    /// </summary>
    private sealed class ChildSupervision(SpawnAgent agent) : OneForOneStrategy(cause => Decide(agent, cause))
    {
        private static Directive Decide(SpawnAgent agent, Exception cause)
        {
            if (cause is not ActorInitializationException { Actor: { } child }) return DefaultDecider.Decide(cause);
            // The constructor's own exception, not the reflection or Akka wrappers around it.
            var thrown = cause;
            while (thrown.InnerException is { } inner)
                thrown = inner;
            agent._startFailures[child] = thrown;
            return Directive.Stop;
        }

        public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
            agent.Stopped(child);
    }

    /// <summary>
    /// A process starting, then being registered; the clients wait for the answer. <see cref="Kind"/>:
    /// its kind, when started by kind; a durable one waits, registered (<see cref="Record"/>),
    /// until its key is in the durable set. <see cref="From"/>: for a successor, the node handing
    /// its key off, which tells when to register it.
    /// </summary>
    private sealed class Starting(IActorRef process, TimeSpan since, List<IActorRef> clients, SpawnKind? kind, Address? from = null)
    {
        public IActorRef Process { get; } = process;
        public TimeSpan Since { get; } = since;
        public List<IActorRef> Clients { get; } = clients;
        public SpawnKind? Kind { get; } = kind;
        public Address? From { get; } = from;
        public EntryRecord? Record { get; set; }
    }

    private sealed class SendResults
    {
        public static readonly SendResults Instance = new();
    }

    private sealed class CheckStarts
    {
        public static readonly CheckStarts Instance = new();
    }
}
