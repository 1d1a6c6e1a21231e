using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The sharding entity of one spawn shard, and so the only actor in the cluster that decides
/// where the processes of the shard's keys run: a key with a live holder goes to the holder's
/// node, a key being placed to the node it was placed on, and a new key to the node
/// <see cref="Placement"/> picks among the members that may host it. That node's
/// <see cref="SpawnAgent"/> starts the process (or finds the holder) and answers the clients.
/// </summary>
/// <remarks>
/// One decision per key, whatever node asks: single activation comes from sharding's single host
/// per shard. Placing by hashing over the members lets a node that joins take its share of new
/// keys at once, while nothing running moves.
/// </remarks>
internal sealed class SpawnHost : UntypedActor, IWithTimers
{
    private readonly LocalView _view;
    private readonly SpawnKinds _kinds;
    private readonly ProcessRegistrySettings _settings;
    private readonly RegistryClock _clock;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SpawnAnswers _refusals;
    // Keys placed and not yet in this node's view, and where: the same key goes there again.
    private readonly Dictionary<string, (Address Node, TimeSpan Since)> _placed = new(StringComparer.Ordinal);

    public SpawnHost(LocalView view, SpawnKinds kinds, ProcessRegistrySettings settings, RegistryClock clock)
    {
        _view = view;
        _kinds = kinds;
        _settings = settings;
        _clock = clock;
        _refusals = new SpawnAnswers(Self, this, settings.SpawnBatchInterval, SendRefusals.Instance, clock);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A mailbox named in the props spares Akka's ActorOf the reflection over the actor type's
    // mailbox requirements (and the lock of a Lazy) that an unnamed one costs.
    public static Props Props(LocalView view, SpawnKinds kinds, ProcessRegistrySettings settings, RegistryClock clock) =>
        global::Akka.Actor.Props.Create(() => new SpawnHost(view, kinds, settings, clock)).WithMailbox("akka.actor.default-mailbox");

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(ForgetPlaced), ForgetPlaced.Instance, _settings.AskTimeout);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SpawnBatch batch:
                if (!Membership.Admits(_cluster, Sender, _log, "a spawn batch")) break;
                Place(batch.Requests, Sender);
                break;
            case SendRefusals:
                _refusals.Send();
                break;
            case ForgetPlaced:
                Forget();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Place(IReadOnlyList<SpawnRequest> requests, IActorRef client)
    {
        Dictionary<Address, List<(SpawnRequest, IActorRef)>>? starts = null;
        List<(Member Member, long Weight)>? members = null;
        foreach (var request in requests)
        {
            var key = request.Key;
            if (KeyLimits.Violation(key, _settings) is { } violation)
            {
                _refusals.Answer(client, SpawnResult.Failed(key, $"The spawn host refused a request. {violation}"));
                continue;
            }
            if (request.Props is null && request.Kind is null)
            {
                _refusals.Answer(client, SpawnResult.Failed(key, $"{_cluster.SelfAddress} refused to start a process for key '{key}': {request.Refusal}."));
                continue;
            }
            var node = HolderNode(key) ?? PlacedNode(key);
            if (node is null)
            {
                members ??= _cluster.State.Members.Where(Membership.IsUp).Select(member => (member, Placement.WeightOf(member))).ToList();
                node = Placement.NodeFor(key, members.Where(candidate => MayHost(candidate.Member, request)));
                if (node is null)
                {
                    _refusals.Answer(client, SpawnResult.Failed(key, $"No member of the cluster may host the process for key '{key}' ({Requirement(request)})."));
                    continue;
                }
                _placed[key] = (node, _clock.Now);
            }
            starts ??= new Dictionary<Address, List<(SpawnRequest, IActorRef)>>();
            if (!starts.TryGetValue(node, out var onNode))
                starts[node] = onNode = new List<(SpawnRequest, IActorRef)>();
            onNode.Add((request, client));
        }
        if (starts is null) return;
        foreach (var (node, onNode) in starts)
        {
            foreach (var chunk in MessageChunks.Of(onNode, start => 3 * start.Item1.Key.Length + start.Item1.Arguments.Length + 200))
                AgentOn(node).Tell(new StartBatch(chunk));
        }
    }

    /// <summary>
    /// The node of the key's live holder, when that node is still a member: its agent answers with
    /// the holder. A holder that is known dead, or of a node that left, is not one.
    /// </summary>
    private Address? HolderNode(string key)
    {
        if (!_view.TryGet(key, out var record) || record.PidKnownDead) return null;
        _placed.Remove(key);
        return IsMember(record.Owner.Address) ? record.Owner.Address : null;
    }

    /// <summary>The node a key was placed on and whose agent is still starting it, while that node is a member.</summary>
    private Address? PlacedNode(string key) =>
        _placed.TryGetValue(key, out var placed) && IsMember(placed.Node) ? placed.Node : null;

    /// <summary>Whether a member may host the request: the spawn role, and the kind's own role.</summary>
    private bool MayHost(Member member, SpawnRequest request) =>
        Placement.MayHost(member, _settings.SpawnRole, request.Kind is { } name && _kinds.TryGet(name, out var kind) ? kind : null);

    private string Requirement(SpawnRequest request) =>
        request.Kind is { } name && _kinds.TryGet(name, out var kind) && kind.Role is { } role
            ? $"kind '{name}' needs role '{role}'" + (string.IsNullOrEmpty(_settings.SpawnRole) ? "" : $" and spawn.role '{_settings.SpawnRole}'")
            : string.IsNullOrEmpty(_settings.SpawnRole) ? "no member is up" : $"spawn.role is '{_settings.SpawnRole}'";

    /// <summary>Whether a node is still a member (a leaving one is, until it is removed).</summary>
    private bool IsMember(Address node) => _cluster.State.Members.Any(member => member.Address.Equals(node) && Membership.Counts(member));

    private IActorRef AgentOn(Address node) => SpawnAgent.At(Context.System, _settings, node);

    /// <summary>Keys placed a while ago: their agents answered or gave up by now, and the view has them or they are gone.</summary>
    private void Forget()
    {
        var before = _clock.Now - _settings.AskTimeout;
        foreach (var key in _placed.Where(pair => pair.Value.Since < before).Select(pair => pair.Key).ToList())
            _placed.Remove(key);
    }

    private sealed class SendRefusals
    {
        public static readonly SendRefusals Instance = new();
    }

    private sealed class ForgetPlaced
    {
        public static readonly ForgetPlaced Instance = new();
    }
}
