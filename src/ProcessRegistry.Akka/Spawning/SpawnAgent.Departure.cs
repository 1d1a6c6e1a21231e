using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The leaving side of a hand-off. When this node leaves gracefully, its processes of kinds that
/// hand off move, each to the member placement picks among the others: every member first marks
/// the keys as moving (from then on RefFor holds their messages), then each process is asked for
/// its state while its successor is started, unregistered, on its new node. The state goes to the
/// successor, this node removes its record, and the successor registers over that removal.
/// </summary>
internal sealed partial class SpawnAgent
{
    // The moves under way: this node leaving (a reply to give) or rebalancing (none).
    private Departure? _departure;
    private bool _departed;
    private (IActorRef ReplyTo, TimeSpan Within)? _leaveAfterMoves;

    /// <summary>
    /// Adds the hand-off to the node's coordinated shutdown, in the phase where sharding hands off
    /// its shards: a node that leaves (or whose system terminates) moves its processes first, and
    /// a node that was downed, and so cannot reach the others, does not try.
    /// </summary>
    public static void HandOffOnLeaving(ActorSystem system, IActorRef agent)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        const string phase = CoordinatedShutdown.PhaseClusterShardingShutdownRegion;
        var timeout = shutdown.Timeout(phase);
        shutdown.AddTask(phase, "process-registry-hand-off", async () =>
        {
            if (shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason) return Done.Instance;
            try
            {
                return await agent.Ask<Done>(new HandOffAll(timeout * 0.8, LocalOnly.Mark), timeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                return Done.Instance;
            }
        });
    }

    private bool OnDeparture(object message)
    {
        switch (message)
        {
            case HandOffAll all when LocalOnly.Carries(all.Mark):
                Depart(Sender, all.Within);
                return true;
            case KeysMovingSeen:
                if (_departure is { } marking && marking.Seen(Sender.Path.Address.HasLocalScope ? _self.Address : Sender.Path.Address))
                    AskForStates(marking);
                return true;
            case DepartureStep step when _departure is { } departing:
                if (step == DepartureStep.MarksWaited) AskForStates(departing);
                else Finish(departing);
                return true;
            case StateReceived received when LocalOnly.Carries(received.Mark):
                if (LeavingOf(received.Key) is { } withState)
                {
                    withState.State = received.State;
                    Transfer(received.Key, withState);
                }
                return true;
            case StateMissing missing when LocalOnly.Carries(missing.Mark):
                if (LeavingOf(missing.Key) is { } without)
                {
                    _log.Warning("The process of key [{0}] did not answer HandOff in time; it stops with this node.", missing.Key);
                    Resolve(without);
                }
                return true;
            case SuccessorsReady ready:
                foreach (var (key, successor) in ready.Successors)
                {
                    if (LeavingOf(key) is { } leaving && leaving.Node.Equals(Sender.Path.Address) && leaving.Successor is null)
                    {
                        leaving.Successor = successor;
                        Transfer(key, leaving);
                    }
                }
                return true;
            case UnregisterReply unregistered when Sender.Path.Address.HasLocalScope:
                if (LeavingOf(unregistered.Key) is { Sent: true } moved)
                    Unregistered(unregistered, moved);
                return true;
            case DepartureStep or StateReceived or StateMissing or UnregisterReply or HandOffAll:
                return true;
            default:
                return false;
        }
    }

    /// <summary>This node leaves: its processes of kinds that hand off move (after the rebalancing batch under way, if any).</summary>
    private void Depart(IActorRef replyTo, TimeSpan within)
    {
        if (_departed)
        {
            replyTo.Tell(Done.Instance);
            return;
        }
        if (_departure is not null)
        {
            _leaveAfterMoves = (replyTo, within);
            return;
        }
        _departed = true;
        var others = MoveTargets(includeSelf: false);
        var keys = new Dictionary<string, Leaving>(StringComparer.Ordinal);
        foreach (var (process, kind) in _kindOf)
        {
            if (!kind.HandOff || !_keyOf.TryGetValue(process, out var key) || _starting.ContainsKey(key)) continue;
            if (Placement.NodeFor(key, others.Where(other => Placement.MayHost(other.Member, _settings.SpawnRole, kind))) is { } node)
                keys[key] = new Leaving(process, kind, node);
        }
        if (keys.Count == 0)
        {
            replyTo.Tell(Done.Instance);
            return;
        }
        _log.Info("Handing off {0} processes before this node leaves.", keys.Count);
        BeginMoves(keys, replyTo, within);
    }

    /// <summary>
    /// The Up members this node can reach, with their placement weights (this node too when
    /// <paramref name="includeSelf"/>): a member it cannot reach would not answer before the moves time out.
    /// </summary>
    private List<(Member Member, long Weight)> MoveTargets(bool includeSelf)
    {
        var unreachable = _cluster.State.Unreachable;
        return _cluster.State.Members
            .Where(member => Membership.IsUp(member) && !unreachable.Contains(member) && (includeSelf || !member.UniqueAddress.Equals(_self)))
            .Select(member => (member, Placement.WeightOf(member))).ToList();
    }

    /// <summary>Marks, on every member, the keys about to move, and waits for them all to answer (or for a quarter of the time).</summary>
    private void BeginMoves(Dictionary<string, Leaving> keys, IActorRef? replyTo, TimeSpan within)
    {
        var departure = _departure = new Departure(replyTo, keys, within);
        var unreachable = _cluster.State.Unreachable;
        foreach (var member in _cluster.State.Members.Where(member => Membership.Counts(member) && !unreachable.Contains(member)))
        {
            foreach (var chunk in MessageChunks.Of(keys.Keys, key => 2 * key.Length + 8))
            {
                departure.Awaits(member.Address);
                At(Context.System, _settings, member.Address).Tell(new KeysMoving(chunk));
            }
        }
        Timers.StartSingleTimer(DepartureStep.MarksWaited, DepartureStep.MarksWaited, within / 4);
        Timers.StartSingleTimer(DepartureStep.Deadline, DepartureStep.Deadline, within);
    }

    /// <summary>Every member marked the keys, or some did not answer in time: asks the processes for their state, and the successors' nodes to start them.</summary>
    private void AskForStates(Departure departure)
    {
        if (departure.StatesAsked) return;
        departure.StatesAsked = true;
        Timers.Cancel(DepartureStep.MarksWaited);
        var wait = departure.Within / 2;
        foreach (var (key, leaving) in departure.Keys)
        {
            if (!leaving.Kind.HandOff)
            {
                leaving.State = Leaving.NoState; // rebalancing a kind that does not hand off: it starts afresh
                continue;
            }
            var reply = new LocalReply<object>(((ExtendedActorSystem)Context.System).Provider, _replyPath, state => state);
            leaving.Process.Tell(new HandOff(key), reply);
            reply.Answer.WaitAsync(wait).PipeTo(Self,
                success: state => new StateReceived(key, state, LocalOnly.Mark),
                failure: _ => new StateMissing(key, LocalOnly.Mark));
        }
        foreach (var onNode in departure.Keys.GroupBy(pair => pair.Value.Node))
        {
            foreach (var chunk in MessageChunks.Of(onNode.Select(pair => (pair.Key, pair.Value.Kind.Name)), key => 2 * (key.Key.Length + key.Name.Length) + 8))
                At(Context.System, _settings, onNode.Key).Tell(new PrepareSuccessors(chunk));
        }
    }

    /// <summary>Once a key has both its state and its successor: the state goes to the successor, first, and this node removes its record.</summary>
    private void Transfer(string key, Leaving leaving)
    {
        if (leaving.State is null || leaving.Successor is null || leaving.Sent) return;
        leaving.Sent = true;
        if (!ReferenceEquals(leaving.State, Leaving.NoState))
            leaving.Successor.Tell(leaving.State, ActorRefs.NoSender);
        _registry.Tell(new UnregisterCommand(key, leaving.Process));
    }

    /// <summary>The record is removed: the process stops, and its successor will register over the removal's version.</summary>
    private void Unregistered(UnregisterReply reply, Leaving leaving)
    {
        if (reply is { Removed: true, Tombstone: { } tombstone })
        {
            _departure!.Registrations.Add((leaving.Node, reply.Key, tombstone.Version));
            Context.Stop(leaving.Process);
        }
        Resolve(leaving);
    }

    private void Resolve(Leaving leaving)
    {
        if (leaving.Resolved) return;
        leaving.Resolved = true;
        if (--_departure!.Unresolved == 0)
            Finish(_departure);
    }

    /// <summary>Tells each successor's node to register what was handed over, and lets the shutdown go on; whatever did not move stops with this node.</summary>
    private void Finish(Departure departure)
    {
        Timers.Cancel(DepartureStep.MarksWaited);
        Timers.Cancel(DepartureStep.Deadline);
        foreach (var onNode in departure.Registrations.GroupBy(registration => registration.Node))
        {
            foreach (var chunk in MessageChunks.Of(onNode.Select(r => (r.Key, r.Over)), key => 2 * key.Key.Length + 16))
                At(Context.System, _settings, onNode.Key).Tell(new RegisterSuccessors(chunk));
        }
        _departure = null;
        if (departure.ReplyTo is { } leaveTask)
        {
            _log.Info("Handed off {0} of {1} processes.", departure.Registrations.Count, departure.Keys.Count);
            leaveTask.Tell(Done.Instance);
        }
        else
        {
            _log.Debug("Moved {0} of {1} processes to where placement puts their keys now.", departure.Registrations.Count, departure.Keys.Count);
        }
        if (_leaveAfterMoves is var (replyTo, within))
        {
            _leaveAfterMoves = null;
            Depart(replyTo, within);
        }
    }

    private Leaving? LeavingOf(string key) =>
        _departure is { } departure && departure.Keys.TryGetValue(key, out var leaving) && !leaving.Resolved ? leaving : null;

    /// <summary>Marks keys another node (or this one) said are moving, those of them it owns, and answers once no RefFor send can miss the mark.</summary>
    private void MarkMoving(IReadOnlyList<string> keys, IActorRef sender)
    {
        var from = sender.Path.Address.HasLocalScope ? _self.Address : sender.Path.Address;
        _moving.Mark(keys.Where(key => _view.TryGet(key, out var record) && record.Owner.Address.Equals(from)), from);
        sender.Tell(KeysMovingSeen.Instance);
    }

    /// <summary>Moves under way (a hand-off, or a rebalancing batch): their keys, what each has, and the registrations to send.</summary>
    private sealed class Departure(IActorRef? replyTo, Dictionary<string, Leaving> keys, TimeSpan within)
    {
        public IActorRef? ReplyTo { get; } = replyTo;
        public TimeSpan Within { get; } = within;
        public Dictionary<string, Leaving> Keys { get; } = keys;
        // How many KeysMovingSeen each member still owes: an answer counts only from a member
        // that was asked, and no member can answer for another.
        private readonly Dictionary<Address, int> _seenAwaited = new();

        public void Awaits(Address member) => _seenAwaited[member] = _seenAwaited.GetValueOrDefault(member) + 1;

        /// <summary>Counts a member's answer; true when it was the last one awaited.</summary>
        public bool Seen(Address member)
        {
            if (!_seenAwaited.TryGetValue(member, out var owed)) return false;
            if (owed > 1) _seenAwaited[member] = owed - 1;
            else _seenAwaited.Remove(member);
            return _seenAwaited.Count == 0;
        }
        public bool StatesAsked { get; set; }
        public int Unresolved { get; set; } = keys.Count;
        public List<(Address Node, string Key, long Over)> Registrations { get; } = new();
    }

    /// <summary>One key leaving: its process and kind, where it goes, and how far it got.</summary>
    private sealed class Leaving(IActorRef process, SpawnKind kind, Address node)
    {
        /// <summary>The state of a process of a kind that does not hand off: nothing is sent to its successor.</summary>
        public static readonly object NoState = new();

        public IActorRef Process { get; } = process;
        public SpawnKind Kind { get; } = kind;
        public Address Node { get; } = node;
        public object? State { get; set; }
        public IActorRef? Successor { get; set; }
        public bool Sent { get; set; }
        public bool Resolved { get; set; }
    }

    /// <summary>From the shutdown task: hand off what can move within <paramref name="Within"/>, then answer Done.</summary>
    private sealed record HandOffAll(TimeSpan Within, LocalOnly Mark);

    private sealed record StateReceived(string Key, object State, LocalOnly Mark);

    private sealed record StateMissing(string Key, LocalOnly Mark);

    private sealed class DepartureStep
    {
        public static readonly DepartureStep MarksWaited = new(), Deadline = new();

        private DepartureStep()
        {
        }
    }
}
