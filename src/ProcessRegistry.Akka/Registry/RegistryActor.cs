using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Conflicts;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The registry actor, one per node: a receive table over plain classes that own their state
/// (the way Sharding's coordinator logic lives in a plain class inside its actor). The owner's
/// commands and books (<see cref="OwnerCommands"/>, <see cref="OwnerBooks"/>), the only writer of
/// the view (<see cref="ViewWriter"/>), conflict settlement, peer replication
/// (<see cref="PeerReplication{TRecord}"/>) and the DData backstop (<see cref="SliceQueue{TRecord}"/>,
/// <see cref="BucketSync{TRecord}"/>). INTERNALS.md walks through the protocol.
/// </summary>
internal sealed class RegistryActor : ReceiveActor, IWithTimers
{
    private readonly ProcessRegistrySettings _settings;
    private readonly RegistryClock _clock;
    private readonly LocalView _view;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ViewWriter _writer;
    private readonly OwnerBooks _books;
    private readonly OwnerCommands _commands;
    private readonly RegistryReplica _replica;
    private readonly ReplicationGate<EntryRecord> _gate;
    private readonly PeerReplication<EntryRecord> _peers;
    private readonly SliceQueue<EntryRecord> _slices;
    private readonly BucketSync<EntryRecord> _backstop;

    public RegistryActor(RegistryActorParts parts)
    {
        var (settings, clock, versions, readiness, view, replicator, buckets, resolver, metrics, events) = parts;
        _settings = settings;
        _clock = clock;
        _view = view;
        var self = _cluster.SelfUniqueAddress;
        var log = Context.GetLogger();
        _writer = new ViewWriter(view, events, metrics, clock, IsActiveMember);
        var outbox = new Outbox<EntryRecord>(Self, this, settings.BroadcastInterval, Tick.Broadcast, clock);
        _slices = new SliceQueue<EntryRecord>(self, replicator, buckets, clock, log);
        _books = new OwnerBooks(self, _writer, outbox, _slices, versions, clock, settings.TombstoneTimeToLive, Context);
        var settlement = new ConflictSettlement(_books, _writer, new ConflictArbiter(resolver, log), settings.StopConflictLoser, metrics, events, log);
        _replica = new RegistryReplica(_writer, _books, settlement, metrics, clock);
        _gate = new ReplicationGate<EntryRecord>(self, settings.MaxClockLead, clock, new EntryRules(self, settings).Problem, metrics, log);
        _peers = new PeerReplication<EntryRecord>(self, _replica, outbox, _gate, readiness, versions, clock, settings.AntiEntropyInterval, HasRegistryRole, RegistryOf);
        _backstop = new BucketSync<EntryRecord>(self, replicator, buckets, _slices, _replica, _gate, IsLeader);
        _commands = new OwnerCommands(Self, _books, _writer, _replica, _gate, settings, clock, metrics,
            owner => Context.ActorSelection(new RootActorPath(owner) / "system" / settings.Name));

        // Commands: from this node, or a member.
        Receive<RegisterCommand>(_ => _gate.LocalOrMember(Sender, nameof(RegisterCommand)), command => _commands.Register(command, Sender));
        Receive<UnregisterCommand>(_ => _gate.LocalOrMember(Sender, nameof(UnregisterCommand)), command => _commands.Unregister(command, Sender));
        Receive<UpdateMetadataCommand>(_ => _gate.LocalOrMember(Sender, nameof(UpdateMetadataCommand)), command => _commands.UpdateMetadata(command, Sender));
        Receive<OwnerReplied>(replied => LocalOnly.Carries(replied.Mark), _commands.OwnerReplied);
        Receive<MergeThenAnswer>(spawned => LocalOnly.Carries(spawned.Mark), MergeThenAnswer);
        Receive<Terminated>(terminated => _books.Terminated(terminated.ActorRef));
        Receive<Tick>(tick => tick == Tick.Tombstones, _ => ExpireTombstones());

        // Peer replication.
        Receive<RecordsChanged<EntryRecord>>(changed => _peers.ReceiveChanged(changed, Sender));
        Receive<OwnerSnapshot<EntryRecord>>(snapshot => _peers.ReceiveSnapshot(snapshot, Sender));
        Receive<RemovalHints<EntryRecord>>(hints => _peers.ReceiveRemovalHints(hints, Sender));
        Receive<OwnerDigest>(digest => _peers.ReceiveDigest(digest, Sender));
        Receive<SnapshotRequest>(_ => _peers.ReceiveSnapshotRequest(Sender));
        Receive<Tick>(tick => tick == Tick.Broadcast, _ => _peers.Flush());
        Receive<Tick>(tick => tick == Tick.AntiEntropy, _ => _peers.SendDigests());

        // The DData backstop.
        Receive<Tick>(tick => tick == Tick.Sync, _ => _slices.Sync());
        Receive<IUpdateResponse>(_slices.UpdateAnswered);
        Receive<Tick>(tick => tick == Tick.Reconcile, _ => Reconcile());
        Receive<GetSuccess>(_backstop.Read);
        Receive<NotFound>(_ => { }); // a bucket nobody wrote yet
        Receive<BucketFingerprints>(fingerprints => _backstop.CompareFingerprints(fingerprints, Sender));
        Receive<BucketCopy<EntryRecord>>(copy => _backstop.MergeCopy(copy, Sender));
        Receive<Tick>(tick => tick == Tick.Prune, _ => _backstop.SweepRemovedOwners());

        // Membership.
        Receive<ClusterEvent.MemberUp>(up => MemberUp(up.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(up => MemberUp(up.Member));
        Receive<ClusterEvent.ReachableMember>(reachable => Reachable(reachable.Member));
        Receive<ClusterEvent.UnreachableMember>(unreachable => _backstop.Unreachable(unreachable.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(removed => MemberRemoved(removed.Member));
        Receive<ClusterEvent.IMemberEvent>(changed => _peers.Track(changed.Member));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RegistryActorParts parts) => global::Akka.Actor.Props.Create(() => new RegistryActor(parts));

    protected override void PreStart()
    {
        // The members as the cluster knows them now: a restarted instance must not take its peers
        // for strangers until the subscription's first events arrive.
        foreach (var member in _cluster.State.Members)
            _peers.Track(member);
        // After a restart the view (owned by the extension) is still filled: take back this
        // node's entries. Writes still waiting for a sync tick or a broadcast died with the old
        // instance; the backstop gets them again here, and the peers in the snapshot each one is
        // sent when this instance meets it (MemberUp from the initial cluster state).
        foreach (var entry in _view.Entries)
        {
            if (entry.PidIsLocal)
                _books.Adopt(entry);
        }
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.ReachableMember), typeof(ClusterEvent.UnreachableMember));
        StartBackstop();
        Timers.StartPeriodicTimer(Tick.AntiEntropy, Tick.AntiEntropy, _settings.AntiEntropyInterval);
        var tombstoneCheck = TimeSpan.FromTicks(Math.Max(_settings.TombstoneTimeToLive.Ticks / 2, TimeSpan.TicksPerMillisecond * 100));
        Timers.StartPeriodicTimer(Tick.Tombstones, Tick.Tombstones, tombstoneCheck);
    }

    private void StartBackstop()
    {
        // A node that has left (the replicator stops with its own removal) has no backstop left
        // to write to; a restart then must not start writing again.
        if (_cluster.IsTerminated)
            return;
        _slices.HoldEveryBucket();
        Timers.StartPeriodicTimer(Tick.Sync, Tick.Sync, _settings.SyncInterval);
        Timers.StartPeriodicTimer(Tick.Prune, Tick.Prune, _settings.PruneInterval);
        Timers.StartPeriodicTimer(Tick.Reconcile, Tick.Reconcile, _settings.ReconcileInterval);
    }

    /// <summary>
    /// The replicator stops when this node is removed, and every later read or write would be a
    /// dead letter in the user's log (512 buckets a second).
    /// </summary>
    private void StopBackstop()
    {
        Timers.Cancel(Tick.Sync);
        Timers.Cancel(Tick.Prune);
        Timers.Cancel(Tick.Reconcile);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void PostRestart(Exception reason)
    {
        _peers.Restarted();
        base.PostRestart(reason);
    }

    /// <summary>Records a spawn brought, applied before each caller hears its answer.</summary>
    private void MergeThenAnswer(MergeThenAnswer spawned)
    {
        foreach (var record in spawned.Records)
        {
            if (_gate.Problem(record, record.Owner) is null && _replica.Merge(record))
                _replica.Broadcasted(record);
        }
        foreach (var (caller, answer) in spawned.Answers)
            caller.Tell(answer);
    }

    /// <summary>Erases this node's old tombstones from the backstop and forgets old removals.</summary>
    private void ExpireTombstones()
    {
        var now = _clock.Now;
        _books.ExpireTombstones(now);
        _writer.ForgetRemovals(now - _settings.TombstoneTimeToLive - _settings.TombstoneTimeToLive);
    }

    private void Reconcile()
    {
        _backstop.ReadAll();
        if (_backstop.AnyUnreachable)
            _backstop.SendFingerprints(_peers.Peers);
    }

    private void MemberUp(Member member)
    {
        _peers.Track(member);
        _peers.MemberUp(member, _cluster.State.Members);
    }

    private void Reachable(Member member)
    {
        _backstop.Reachable(member.Address);
        _peers.Reachable(member);
    }

    private void MemberRemoved(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
            StopBackstop();
        _peers.Track(member);
        _peers.MemberRemoved(member);
        _backstop.MemberRemoved(member.UniqueAddress);
    }

    private IActorRef RegistryOf(Member member) =>
        ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(
            new RootActorPath(member.Address) / "system" / _settings.Name / RegistrySupervisor.WorkerName);

    private bool HasRegistryRole(Member member) => string.IsNullOrEmpty(_settings.Role) || member.HasRole(_settings.Role);

    /// <summary>
    /// A live record vanishes from the data only when the leader prunes a removed member's
    /// records, which can reach this node before its own MemberRemoved; an erased tombstone was
    /// already applied when it arrived.
    /// </summary>
    private bool IsActiveMember(Address node) =>
        _cluster.State.Members.Any(m => m.Address.Equals(node) &&
            m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining);

    private bool IsLeader()
    {
        var state = _cluster.State;
        var leader = string.IsNullOrEmpty(_settings.Role) ? state.Leader : state.RoleLeader(_settings.Role);
        return _cluster.SelfAddress.Equals(leader);
    }

    /// <summary>What the actor's timers and its broadcast pacing send it: one instance each, compared by reference.</summary>
    private sealed class Tick
    {
        public static readonly Tick Broadcast = new(), Sync = new(), Reconcile = new(), AntiEntropy = new(), Prune = new(), Tombstones = new();

        private Tick()
        {
        }
    }
}
