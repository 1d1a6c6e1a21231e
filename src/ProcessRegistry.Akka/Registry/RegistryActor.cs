using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Conflicts;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The registry actor, one per node. It owns (writes) the entries of the processes its node
/// hosts: it gives each write a version, applies it to the local view at once, broadcasts it
/// to the other nodes' registry actors and queues it for the replicated data. It merges what
/// others broadcast and what the replicated data holds into the view by version, prunes
/// removed members' entries when it is the leader, and settles conflicts for its own keys.
/// </summary>
internal sealed class RegistryActor : ReceiveActor, IWithTimers
{
    // Bounds what one comparison ships (each copy is a whole bucket); the rest goes next interval.
    private const int BucketCopiesPerComparison = 64;

    private readonly ProcessRegistrySettings _settings;
    private readonly RegistryClock _clock;
    private readonly VersionClock _versions;
    private readonly LocalView _view;
    private readonly IActorRef _replicator;
    private readonly RegistryBuckets _buckets;
    private readonly ConflictArbiter _arbiter;
    private readonly RegistryMetrics _metrics;
    private readonly RegistryEventPublisher _events;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<string, EntryRecord> _owned = new(StringComparer.Ordinal);
    private readonly KeysByPid _keysByPid = new();
    // The newest removal of each key this node heard of, kept a while after the tombstone is erased.
    // Inferred: not a tombstone anyone wrote, but a key its owner's complete snapshot lacked.
    private readonly Dictionary<string, (EntryRecord Tombstone, TimeSpan Seen, bool Inferred)> _removals = new(StringComparer.Ordinal);
    // This node's tombstones until they expire, sent in snapshots so a peer that missed one
    // (a restart, a cut) learns the reason, not only that the key went.
    private readonly Dictionary<string, EntryRecord> _ownTombstones = new(StringComparer.Ordinal);
    // Each bucket as last read from the replicator, to see what changed since.
    private readonly RegistryBucket?[] _lastRead;
    private readonly Dictionary<UniqueAddress, OwnedDigest> _lastDigests = new();
    // The owner's digest and the view's change count this node last compared and found equal.
    private readonly Dictionary<UniqueAddress, (OwnedDigest Digest, long ViewChanges)> _matched = new();
    private readonly List<PendingWrite>?[] _unsynced;
    private readonly List<EntryRecord> _outbox = new();
    private readonly Dictionary<Address, IActorRef> _peers = new();
    private readonly Dictionary<UniqueAddress, IncomingSnapshot> _incomingSnapshots = new();
    // Tells this instance's snapshots apart from its previous incarnations' and from each other.
    private readonly long _snapshotIncarnation;
    private long _snapshotsSent;
    private readonly Queue<(string Key, long Version, TimeSpan Due)> _tombstones = new();
    private readonly HashSet<UniqueAddress> _removedOwners = new();
    // Members some node cannot reach (the cluster's reachability is everyone's observations).
    private readonly HashSet<Address> _unreachable = new();
    private readonly Dictionary<Address, long[]> _peerFingerprints = new();
    private readonly FlushPacing _broadcasts;
    private readonly ReplicationGate _gate;
    private readonly Readiness _readiness;
    // Peers send a node their snapshots when they meet it; an instance restarted before it was
    // ready asks them again, as they will not.
    private bool _restarted;

    public RegistryActor(
        ProcessRegistrySettings settings,
        RegistryClock clock,
        VersionClock versions,
        Readiness readiness,
        LocalView view,
        IActorRef replicator,
        RegistryBuckets buckets,
        IConflictResolver resolver,
        RegistryMetrics metrics,
        RegistryEventPublisher events)
    {
        _events = events;
        _settings = settings;
        _clock = clock;
        _versions = versions;
        _metrics = metrics;
        _view = view;
        _readiness = readiness;
        _replicator = replicator;
        _buckets = buckets;
        _arbiter = new ConflictArbiter(resolver, _log);
        _lastRead = new RegistryBucket?[buckets.Count];
        _unsynced = new List<PendingWrite>?[buckets.Count];
        _broadcasts = new FlushPacing(settings.BroadcastInterval, Broadcast.Instance, clock);
        _gate = new ReplicationGate(_cluster.SelfUniqueAddress, settings, clock, metrics, _log);
        _snapshotIncarnation = clock.WallTicks;

        Receive<RegisterCommand>(command => _gate.LocalOrMember(Sender, nameof(RegisterCommand)), HandleRegister);
        Receive<UnregisterCommand>(command => _gate.LocalOrMember(Sender, nameof(UnregisterCommand)), HandleUnregister);
        Receive<UpdateMetadataCommand>(command => _gate.LocalOrMember(Sender, nameof(UpdateMetadataCommand)), HandleUpdateMetadata);
        Receive<RecordsChanged>(HandleBroadcast);
        Receive<RemovalHints>(HandleRemovalHints);
        Receive<MergeThenAnswer>(spawned => LocalOnly.Carries(spawned.Mark), spawned =>
        {
            MergeReplicated(spawned.Records.Where(record => _gate.Problem(record, record.Owner) is null));
            foreach (var (caller, answer) in spawned.Answers)
                caller.Tell(answer);
        });
        Receive<OwnerSnapshot>(HandleSnapshot);
        Receive<OwnerReplied>(replied => LocalOnly.Carries(replied.Mark), HandleOwnerReply);
        Receive<Broadcast>(_ => SendBroadcast());
        Receive<SyncTick>(_ => SyncToReplicatedData());
        Receive<ReconcileTick>(_ =>
        {
            ReadReplicatedData();
            if (_unreachable.Count > 0)
                SendFingerprints();
        });
        Receive<BucketFingerprints>(fingerprints =>
        {
            if (_gate.Member(Sender, nameof(BucketFingerprints)) is not null) CompareBuckets(fingerprints);
        });
        Receive<BucketCopy>(copy =>
        {
            if (_gate.Member(Sender, nameof(BucketCopy)) is not null) MergeBucketCopy(copy);
        });
        Receive<AntiEntropyTick>(_ => SendDigests());
        Receive<OwnerDigest>(CompareDigest);
        Receive<SnapshotRequest>(_ =>
        {
            if (_gate.Member(Sender, nameof(SnapshotRequest)) is not null) SendSnapshot(Sender);
        });
        Receive<GetSuccess>(HandleRead);
        Receive<NotFound>(_ => { }); // a bucket nobody wrote yet
        Receive<IUpdateResponse>(HandleUpdateResponse);
        Receive<Terminated>(t => HandleTerminated(t.ActorRef));
        Receive<ClusterEvent.MemberUp>(up =>
        {
            TrackMember(up.Member);
            AddPeer(up.Member);
        });
        Receive<ClusterEvent.MemberWeaklyUp>(up =>
        {
            TrackMember(up.Member);
            AddPeer(up.Member);
        });
        Receive<ClusterEvent.ReachableMember>(reachable =>
        {
            _unreachable.Remove(reachable.Member.Address);
            if (_peers.TryGetValue(reachable.Member.Address, out var peer))
                SendSnapshot(peer);
        });
        Receive<ClusterEvent.UnreachableMember>(unreachable => _unreachable.Add(unreachable.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            TrackMember(removed.Member);
            HandleMemberRemoved(removed.Member);
        });
        Receive<ClusterEvent.IMemberEvent>(changed => TrackMember(changed.Member));
        Receive<PruneTick>(_ => SweepRemovedOwners());
        Receive<TombstoneTick>(_ => ExpireTombstones());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        ProcessRegistrySettings settings,
        RegistryClock clock,
        VersionClock versions,
        Readiness readiness,
        LocalView view,
        IActorRef replicator,
        RegistryBuckets buckets,
        IConflictResolver resolver,
        RegistryMetrics metrics,
        RegistryEventPublisher events) =>
        global::Akka.Actor.Props.Create(() => new RegistryActor(settings, clock, versions, readiness, view, replicator, buckets, resolver, metrics, events));

    protected override void PreStart()
    {
        // The members as the cluster knows them now: a restarted instance must not take its peers
        // for strangers until the subscription's first events arrive.
        foreach (var member in _cluster.State.Members)
            _gate.Track(member);
        HoldEveryBucket();
        // After a restart the view (owned by the extension) is still filled: take back this
        // node's entries, watch their processes again and queue them for the replicated data.
        // Writes still waiting for a sync tick or a broadcast died with the old instance; the
        // sync queue gets them again here, and the peers get them in the snapshot each one is
        // sent when this instance meets it (MemberUp from the initial cluster state).
        foreach (var entry in _view.Entries)
        {
            if (IsLocal(entry.Pid))
                Adopt(entry);
        }
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.ReachableMember), typeof(ClusterEvent.UnreachableMember));
        Timers.StartPeriodicTimer(nameof(SyncTick), SyncTick.Instance, _settings.SyncInterval);
        Timers.StartPeriodicTimer(nameof(PruneTick), PruneTick.Instance, _settings.PruneInterval);
        Timers.StartPeriodicTimer(nameof(ReconcileTick), ReconcileTick.Instance, _settings.ReconcileInterval);
        Timers.StartPeriodicTimer(nameof(AntiEntropyTick), AntiEntropyTick.Instance, _settings.AntiEntropyInterval);
        var tombstoneCheck = TimeSpan.FromTicks(Math.Max(_settings.TombstoneTimeToLive.Ticks / 2, TimeSpan.TicksPerMillisecond * 100));
        Timers.StartPeriodicTimer(nameof(TombstoneTick), TombstoneTick.Instance, tombstoneCheck);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason);
    }

    /// <summary>
    /// Puts every bucket in the local replica, empty if nobody wrote it yet. A replicator that
    /// lacks a key gets it only by asking a peer, which answers with at most max-delta-elements
    /// keys of a chunk in hash order, so a key that sorts late is never sent, however often it is
    /// asked for (a bucket relayed through a third node never arrived). With every key on every
    /// replica, gossip compares digests and sends what differs, until nothing does.
    /// </summary>
    private void HoldEveryBucket()
    {
        foreach (var key in _buckets.Keys)
            _replicator.Tell(Dsl.Update(key, RegistryBucket.Empty, WriteLocal.Instance, data => data));
    }

    // ---- commands --------------------------------------------------------------------------

    private void HandleRegister(RegisterCommand command)
    {
        // The caller's node checked all this; a command from another node is checked again here.
        if ((KeyLimits.Violation(command.Key, _settings) ?? MetadataLimits.Violation(command.Metadata!, _settings)) is { } problem)
        {
            Sender.Tell(new RegisterRejected($"Nothing was registered. {problem}"));
            return;
        }
        if (!IsLocal(command.Pid))
        {
            ForwardToOwner(command.Pid.Path.Address, command, command.Key);
            return;
        }
        if (!ProcessRegistry.IsProcess(command.Pid))
        {
            Sender.Tell(new RegisterRejected($"{command.Pid.Path} is not a process that can be registered; nothing was registered."));
            return;
        }
        if (ProcessRegistry.IsKnownDead(command.Pid))
        {
            Sender.Tell(new RegisterRejected($"{command.Pid.Path} is not alive; nothing was registered."));
            return;
        }

        _owned.TryGetValue(command.Key, out var owned);
        // A holder known dead frees the key now: its Terminated may still be queued behind this
        // command, and syn never answers taken for a dead process.
        if (owned is not null && !owned.Pid.Equals(command.Pid) && ProcessRegistry.IsKnownDead(owned.Pid))
        {
            RemoveOwned(command.Key, owned, UnregisterReason.Terminated);
            owned = null;
        }
        if (!command.Force)
        {
            var holder = owned?.Pid ?? (_view.TryGet(command.Key, out var seen) && !ProcessRegistry.IsKnownDead(seen.Pid) ? seen.Pid : null);
            if (holder is not null && !holder.Equals(command.Pid))
            {
                Sender.Tell(new RegisterTaken(command.Key, holder));
                return;
            }
        }
        if (owned is not null && !owned.Pid.Equals(command.Pid))
            Release(command.Key);

        var registeredAt = owned is not null && owned.Pid.Equals(command.Pid)
            ? owned.RegisteredAtTicks
            : _clock.WallTicks;
        var record = new EntryRecord(command.Key, command.Pid, _cluster.SelfUniqueAddress, command.Metadata, registeredAt, NextVersion(command.Key), null);
        _owned[command.Key] = record;
        Track(command.Pid, command.Key);
        Write(record);
        _metrics.Registered();
        Sender.Tell(new RegisterAccepted(record));
    }

    private void HandleUnregister(UnregisterCommand command)
    {
        if (KeyLimits.Violation(command.Key, _settings) is not null)
        {
            Sender.Tell(new UnregisterReply(false, command.Key, null));
            return;
        }
        if (_owned.TryGetValue(command.Key, out var owned) && (command.Pid is null || owned.Pid.Equals(command.Pid)))
        {
            var tombstone = RemoveOwned(command.Key, owned, UnregisterReason.Unregistered);
            Sender.Tell(new UnregisterReply(true, command.Key, tombstone));
            return;
        }
        if (command.Pid is null && _view.TryGet(command.Key, out var entry) && !IsLocal(entry.Pid))
        {
            ForwardToOwner(entry.Owner.Address, command with { Pid = entry.Pid }, command.Key);
            return;
        }
        Sender.Tell(new UnregisterReply(false, command.Key, null));
    }

    /// <summary>Applies a metadata patch on the owner, where no concurrent write of the key can interleave.</summary>
    private void HandleUpdateMetadata(UpdateMetadataCommand command)
    {
        if (KeyLimits.Violation(command.Key, _settings) is { } problem)
        {
            Sender.Tell(new RegisterRejected($"Nothing was updated. {problem}"));
            return;
        }
        if (!_owned.TryGetValue(command.Key, out var owned))
        {
            if (_view.TryGet(command.Key, out var entry) && !IsLocal(entry.Pid))
                ForwardToOwner(entry.Owner.Address, command, command.Key);
            else
                Sender.Tell(new NotRegistered(command.Key));
            return;
        }
        var metadata = owned.Metadata;
        foreach (var (name, value) in command.Changes)
            metadata = value is null ? metadata.Remove(name) : metadata.SetItem(name, value);
        if (MetadataLimits.Violation(metadata!, _settings) is { } violation)
        {
            Sender.Tell(new RegisterRejected(violation));
            return;
        }
        var updated = owned with { Metadata = metadata, Version = NextVersion(command.Key) };
        _owned[command.Key] = updated;
        Write(updated);
        _metrics.Registered();
        Sender.Tell(new RegisterAccepted(updated));
    }

    /// <summary>The owner writes; its answer carries the record, which this node applies before
    /// answering the caller, so the caller sees its write here too.</summary>
    private void ForwardToOwner(Address owner, object command, string key)
    {
        var replyTo = Sender;
        var registry = Context.ActorSelection(new RootActorPath(owner) / "system" / _settings.Name);
        // Shorter than the caller's own wait, so the caller hears the owner's silence as a
        // TimeoutException naming the owner, not as its own ask timing out.
        var wait = TimeSpan.FromTicks(_settings.AskTimeout.Ticks * 9 / 10);
        registry.Ask<object>(command, wait).PipeTo(
            Self,
            success: reply => new OwnerReplied(replyTo, reply, owner, LocalOnly.Mark),
            failure: ex => new OwnerReplied(replyTo,
                new Status.Failure(new TimeoutException($"The registry on {owner} did not answer for key '{key}'.", ex)), owner, LocalOnly.Mark));
    }

    /// <summary>Applies the owner's record of what it did, if it is that owner's own, then answers the caller.</summary>
    private void HandleOwnerReply(OwnerReplied replied)
    {
        var record = replied.Reply switch
        {
            RegisterAccepted accepted => accepted.Record,
            UnregisterReply { Tombstone: { } tombstone } => tombstone,
            _ => null,
        };
        if (record is not null)
        {
            if (record.Owner.Address.Equals(replied.Owner) && _gate.Problem(record, record.Owner) is null)
                Merge(record);
            else
                _gate.Refuse(replied.Owner, replied.Reply.GetType().Name, "the owner's answer carries a record that is not its own");
        }
        replied.ReplyTo.Tell(replied.Reply);
    }

    // ---- writing: view now, peers next, replicated data soon --------------------------------

    /// <summary>A strictly newer version than any this node knows for the key, and than any it wrote before.</summary>
    private long NextVersion(string key) => _versions.Next(KnownVersion(key));

    private long KnownVersion(string key)
    {
        var live = _view.TryGet(key, out var entry) ? entry.Version : 0;
        var removed = _removals.TryGetValue(key, out var removal) ? removal.Tombstone.Version : 0;
        return Math.Max(live, removed);
    }

    private void Write(EntryRecord record)
    {
        Merge(record);
        _outbox.Add(record);
        _broadcasts.Request(Self, Timers, _outbox.Count);
        QueueSync(_buckets.IndexOf(record.Key), new RecordWrite(record));
        if (record.IsLive)
        {
            _ownTombstones.Remove(record.Key);
            return;
        }
        _ownTombstones[record.Key] = record;
        _tombstones.Enqueue((record.Key, record.Version, _clock.Now + _settings.TombstoneTimeToLive));
    }

    /// <summary>Sends what this node wrote since its last broadcast to every peer, in few messages.</summary>
    private void SendBroadcast()
    {
        _broadcasts.Flushed();
        if (_peers.Count > 0)
        {
            foreach (var chunk in Chunks(_outbox))
            {
                var changed = new RecordsChanged(chunk);
                foreach (var peer in _peers.Values)
                    peer.Tell(changed);
            }
        }
        _outbox.Clear();
    }

    /// <summary>
    /// Everything this node owns, and its tombstones that have not expired (so a peer that missed
    /// one learns why the key went), to a node it just met, met again after a partition, or that asked.
    /// </summary>
    private void SendSnapshot(IActorRef peer)
    {
        var self = _cluster.SelfUniqueAddress;
        var records = _owned.Values.Concat(_ownTombstones.Values.Where(tombstone => !_owned.ContainsKey(tombstone.Key))).ToList();
        // Nothing this node ever wrote is newer: a peer may drop any older entry of this node's the snapshot lacks.
        var takenAt = Math.Max(_clock.WallTicks, _versions.Last);
        var id = _snapshotIncarnation + _snapshotsSent++;
        var chunks = Chunks(records).ToList();
        for (var i = 0; i < chunks.Count; i++)
            peer.Tell(new OwnerSnapshot(self, id, i, chunks.Count, takenAt, chunks[i]));
    }

    private static IEnumerable<List<EntryRecord>> Chunks(IEnumerable<EntryRecord> records) =>
        MessageChunks.Of(records, record => record.EstimatedWireSize);

    private void HandleSnapshot(OwnerSnapshot snapshot)
    {
        if (_gate.Member(Sender, nameof(OwnerSnapshot)) is not { } owner) return;
        if (!snapshot.Owner.Equals(owner) || snapshot.Parts < 1 || snapshot.Part < 0 || snapshot.Part >= snapshot.Parts)
        {
            _gate.Refuse(Sender.Path.Address, nameof(OwnerSnapshot), $"part {snapshot.Part} of {snapshot.Parts} of a snapshot of {snapshot.Owner}");
            return;
        }
        if (!_gate.AllOwnedBy(snapshot.Records, owner, Sender, nameof(OwnerSnapshot))) return;
        if (!_incomingSnapshots.TryGetValue(owner, out var incoming) || incoming.Id != snapshot.Id)
            _incomingSnapshots[owner] = incoming = new IncomingSnapshot(snapshot.Id, _clock.Now);
        // Parts of one snapshot arrive in order; a gap means this instance started after the
        // first parts came (a restart), and the snapshot can no longer tell what the owner lacks.
        incoming.Complete &= snapshot.Part == incoming.NextPart;
        incoming.NextPart = snapshot.Part + 1;
        List<EntryRecord>? missed = null;
        foreach (var record in snapshot.Records)
        {
            if (!Merge(record) && !RetractInferredRemoval(record) && RemovalNewerThan(record) is { } removal)
                (missed ??= new List<EntryRecord>()).Add(removal);
            incoming.Keys.Add(record.Key);
        }
        // The owner settles a key when it hears of a newer removal by another process, and the
        // removal's own broadcast may have been lost in a cut and its tombstone erased since.
        if (missed is not null)
            Sender.Tell(new RemovalHints(missed));
        if (snapshot.Part < snapshot.Parts - 1) return;
        _incomingSnapshots.Remove(owner);
        if (!incoming.Complete) return; // the owner's digest will ask for a whole one
        _readiness.Heard(owner);
        var keys = incoming.Keys;
        // What the owner no longer has, and was not re-registered since it took the snapshot, was
        // removed while this node could not hear it. The removal is known only as newer than the
        // entry dropped: the snapshot time speaks for this owner alone, and as a version of the
        // key it would shadow another owner's registration made before it and not heard here yet.
        var gone = _view.Entries
            .Where(e => e.Owner.Address.Equals(snapshot.Owner.Address) && !keys.Contains(e.Key) && e.Version < snapshot.TakenAt)
            .ToList();
        foreach (var entry in gone)
        {
            _removals[entry.Key] = (entry.AsTombstone(UnregisterReason.Unregistered, entry.Version), _clock.Now, Inferred: true);
            RemoveFromView(entry.Key, UnregisterReason.Unregistered);
        }
    }

    /// <summary>
    /// An owner's snapshot that holds a record this node took for removed because an earlier
    /// snapshot of the same owner lacked it: the owner has it, so it is live after all.
    /// </summary>
    private bool RetractInferredRemoval(EntryRecord record)
    {
        if (!record.IsLive || !_removals.TryGetValue(record.Key, out var removal) || !removal.Inferred ||
            removal.Tombstone.Version != record.Version || !removal.Tombstone.Owner.Equals(record.Owner))
            return false;
        _removals.Remove(record.Key);
        return Merge(record);
    }

    /// <summary>
    /// Removals of keys this node owns, made by other owners' processes and relayed by a peer that
    /// refused this node's record because of them: this node settles its key as if the removal had
    /// reached it directly. Nothing else is taken from a relay: the view changes only by owners. (A
    /// removal of this node's own is never newer than its record: its versions only grow.)
    /// </summary>
    private void HandleRemovalHints(RemovalHints hints)
    {
        if (_gate.Member(Sender, nameof(RemovalHints)) is null) return;
        foreach (var removal in hints.Removals)
        {
            if (removal.IsLive || _gate.Problem(removal, removal.Owner) is { } problem)
            {
                _gate.Refuse(Sender.Path.Address, nameof(RemovalHints), $"[{MetadataLimits.Printable(removal.Key)}] is not a removal");
                return;
            }
        }
        var self = _cluster.SelfUniqueAddress;
        foreach (var removal in hints.Removals)
        {
            if (!removal.Owner.Equals(self) && _owned.TryGetValue(removal.Key, out var mine) && removal.Version > mine.Version && !removal.Pid.Equals(mine.Pid))
                Settle(removal.Key, mine, removal);
        }
    }

    private void HandleBroadcast(RecordsChanged changed)
    {
        if (_gate.Member(Sender, nameof(RecordsChanged)) is { } owner && _gate.AllOwnedBy(changed.Records, owner, Sender, nameof(RecordsChanged)))
            MergeReplicated(changed.Records);
    }

    /// <summary>The removal that made this node refuse a live record, when no newer live entry did.</summary>
    private EntryRecord? RemovalNewerThan(EntryRecord record) =>
        record.IsLive &&
        _removals.TryGetValue(record.Key, out var removal) && removal.Tombstone.Version >= record.Version &&
        !(_view.TryGet(record.Key, out var live) && live.Version >= record.Version)
            ? removal.Tombstone
            : null;

    private void QueueSync(int bucket, PendingWrite write) => (_unsynced[bucket] ??= new List<PendingWrite>()).Add(write);

    private void SyncToReplicatedData()
    {
        var self = _cluster.SelfUniqueAddress;
        for (var bucket = 0; bucket < _unsynced.Length; bucket++)
        {
            var writes = _unsynced[bucket];
            if (writes is null) continue;
            _unsynced[bucket] = null;
            _replicator.Tell(Dsl.Update(_buckets.Keys[bucket], RegistryBucket.Empty, WriteLocal.Instance,
                data => PendingWrite.ApplyAll(data, writes, self, _clock.WallTicks)));
        }
    }

    private void HandleUpdateResponse(IUpdateResponse response)
    {
        if (response is IUpdateFailure { Cause: { } cause })
            _log.Error(cause, "Registry write to {0} failed.", response.Key.Id);
    }

    // ---- merging: broadcasts and replicated data -> view, events, owner duties ----------------

    /// <summary>Merges records another node wrote, counting the replication lag of those applied.</summary>
    private void MergeReplicated(IEnumerable<EntryRecord> records)
    {
        foreach (var record in records)
        {
            if (Merge(record))
                _metrics.Replicated(record.Version, _clock.WallTicks);
        }
    }

    /// <summary>Applies a record if it is newer than anything this node knows for its key; says whether it did.</summary>
    private bool Merge(EntryRecord record)
    {
        if (record.Version <= KnownVersion(record.Key)) return false;
        if (!record.IsLive)
            _removals[record.Key] = (record, _clock.Now, Inferred: false);
        ApplyToView(record);
        CheckOwned(record);
        return true;
    }

    private void SendDigests()
    {
        if (_peers.Count == 0) return;
        var digest = OwnedDigest.Of(_owned.Select(pair => (pair.Key, pair.Value.Version)));
        var message = new OwnerDigest(_cluster.SelfUniqueAddress, digest.Count, digest.Checksum);
        foreach (var peer in _peers.Values)
            peer.Tell(message);
    }

    private void CompareDigest(OwnerDigest received)
    {
        if (_gate.Member(Sender, nameof(OwnerDigest)) is not { } owner) return;
        if (!received.Owner.Equals(owner))
        {
            _gate.Refuse(Sender.Path.Address, nameof(OwnerDigest), $"it speaks for {received.Owner}");
            return;
        }
        var digest = new OwnedDigest(received.Count, received.Checksum);
        var quiet = _lastDigests.TryGetValue(received.Owner, out var previous) && previous == digest;
        _lastDigests[received.Owner] = digest;
        // While the owner keeps writing, its broadcasts are still arriving: compare once it is quiet.
        if (!quiet || SnapshotUnderWay(received.Owner)) return;
        // A quiet cluster would otherwise scan the whole view for every owner every interval.
        if (_matched.TryGetValue(received.Owner, out var matched) && matched == (digest, _view.Changes)) return;
        var mine = OwnedDigest.Of(_view.Entries
            .Where(e => e.Owner.Address.Equals(received.Owner.Address))
            .Select(e => (e.Key, e.Version)));
        if (mine == digest)
        {
            _matched[received.Owner] = (digest, _view.Changes);
            return;
        }
        Sender.Tell(SnapshotRequest.Instance);
    }

    private void ReadReplicatedData()
    {
        foreach (var key in _buckets.Keys)
            _replicator.Tell(Dsl.Get(key, ReadLocal.Instance));
    }

    private void SendFingerprints()
    {
        var fingerprints = new BucketFingerprints(_lastRead.Select(BucketFingerprint.Of).ToArray());
        foreach (var peer in _peers.Values)
            peer.Tell(fingerprints);
    }

    /// <summary>
    /// Sends the peer this replica's copy of each bucket whose fingerprint differs from the peer's,
    /// where the peer's did not change since its previous comparison: a bucket still being written
    /// differs only by what is already on its way, and shipping it every interval would cost what
    /// a faster DData gossip costs.
    /// </summary>
    private void CompareBuckets(BucketFingerprints theirs)
    {
        // Another distributed-key-count: that node's buckets are not these.
        if (theirs.Fingerprints.Length != _lastRead.Length) return;
        var peer = Sender.Path.Address;
        var previous = _peerFingerprints.GetValueOrDefault(peer);
        _peerFingerprints[peer] = theirs.Fingerprints;
        if (previous is null) return;
        var copies = 0;
        for (var bucket = 0; bucket < _lastRead.Length && copies < BucketCopiesPerComparison; bucket++)
        {
            var fingerprint = theirs.Fingerprints[bucket];
            if (fingerprint != previous[bucket] || fingerprint == BucketFingerprint.Of(_lastRead[bucket])) continue;
            Sender.Tell(new BucketCopy(bucket, _lastRead[bucket] ?? RegistryBucket.Empty, Answer: true));
            copies++;
        }
    }

    /// <summary>
    /// Merges a peer's copy of a bucket into this replica, through the replicator, which also
    /// drops what its pruning already removed; the next read brings the result into the view.
    /// </summary>
    private void MergeBucketCopy(BucketCopy copy)
    {
        if (copy.Bucket < 0 || copy.Bucket >= _lastRead.Length) return;
        // This node's slice is its own to write, and no slice may run ahead of the clock.
        var self = _cluster.SelfUniqueAddress;
        var latest = _clock.WallTicks + _settings.MaxClockLead.Ticks;
        if (copy.Data.Slices.Any(pair => pair.Key.Equals(self) || pair.Value.Version > latest))
        {
            _gate.Refuse(Sender.Path.Address, nameof(BucketCopy), "it carries this node's own slice, or a slice ahead of the clock");
            return;
        }
        _replicator.Tell(Dsl.Update(_buckets.Keys[copy.Bucket], RegistryBucket.Empty, WriteLocal.Instance, data => data.Merge(copy.Data)));
        if (copy.Answer)
            Sender.Tell(new BucketCopy(copy.Bucket, (_lastRead[copy.Bucket] ?? RegistryBucket.Empty).Merge(copy.Data), Answer: false));
    }

    private void HandleRead(GetSuccess read)
    {
        if (!_buckets.TryIndexOf(read.Key, out var bucket)) return;
        var data = read.Get(_buckets.Keys[bucket]);
        // The replicator hands out the same instance until the bucket changes.
        if (!ReferenceEquals(data, _lastRead[bucket]))
            Reconcile(bucket, data);
    }

    /// <summary>
    /// Merges what changed in a bucket since it was last read: only the slices that are not the
    /// very instances read last time, and in those only the records that are not.
    /// </summary>
    private void Reconcile(int bucket, RegistryBucket data)
    {
        var previous = _lastRead[bucket];
        _lastRead[bucket] = data;
        var self = _cluster.SelfUniqueAddress;
        foreach (var (owner, slice) in data.Slices)
        {
            // This node is the authority on its own records; the replicated copy of them is for the others.
            if (owner.Equals(self)) continue;
            var before = previous?.Slices.GetValueOrDefault(owner);
            if (ReferenceEquals(slice, before)) continue;
            foreach (var record in slice.Records)
            {
                if (before is not null && ReferenceEquals(before.Find(record.Key), record)) continue;
                // Only an owner's slice may carry its records, as only the owner may send them.
                if (_gate.Problem(record, owner) is { } problem)
                {
                    _gate.Refuse(owner.Address, nameof(RegistryBucket), $"record [{MetadataLimits.Printable(record.Key)}] in {owner}'s slice: {problem}");
                    continue;
                }
                Merge(record);
            }
            if (before is not null)
                RemoveVanished(before.Records.Where(record => record.Owner.Equals(owner) && slice.Find(record.Key) is null));
        }
        if (previous is not null)
            RemoveVanished(previous.Slices.Where(pair => !pair.Key.Equals(self) && !data.Slices.ContainsKey(pair.Key))
                .SelectMany(pair => pair.Value.Records.Where(record => record.Owner.Equals(pair.Key))));
    }

    /// <summary>
    /// Erased (a tombstone), released (its owner lost it) or pruned (a removed member's slice):
    /// gone from the view too, unless the view holds a newer record of the key.
    /// </summary>
    private void RemoveVanished(IEnumerable<EntryRecord> vanished)
    {
        foreach (var record in vanished)
        {
            if (_view.TryGet(record.Key, out var entry) && entry.Version <= record.Version && entry.Owner.Equals(record.Owner))
                RemoveFromView(record.Key, reason: null);
        }
    }

    private void ApplyToView(EntryRecord record)
    {
        if (!record.IsLive || _removedOwners.Contains(record.Owner))
        {
            RemoveFromView(record.Key, record.RemovedBecause ?? UnregisterReason.NodeRemoved);
            return;
        }
        if (!_view.TryGet(record.Key, out var current))
        {
            _view.Set(record);
            if (_events.Wanted) _events.Publish(new ProcessRegistered(record.ToEntry()));
            return;
        }
        _view.Set(record);
        if (current.Pid.Equals(record.Pid))
        {
            if (_events.Wanted && !SameMetadata(current.Metadata, record.Metadata))
                _events.Publish(new ProcessUpdated(current.ToEntry(), record.ToEntry()));
            return;
        }
        // A live pid replaced by another without a removal between them: a conflict was settled.
        if (!_events.Wanted) return;
        _events.Publish(new ProcessUnregistered(current.ToEntry(), UnregisterReason.ConflictLost));
        _events.Publish(new ProcessRegistered(record.ToEntry()));
    }

    private void RemoveFromView(string key, UnregisterReason? reason)
    {
        if (!_view.TryRemove(key, out var removed)) return;
        var why = reason ?? (IsActiveMember(removed.Owner.Address) ? UnregisterReason.Unregistered : UnregisterReason.NodeRemoved);
        _metrics.Unregistered(why);
        if (_events.Wanted) _events.Publish(new ProcessUnregistered(removed.ToEntry(), why));
    }

    private void Adopt(EntryRecord entry)
    {
        var owned = entry.Owner.Equals(_cluster.SelfUniqueAddress) ? entry : entry with { Owner = _cluster.SelfUniqueAddress };
        _owned[entry.Key] = owned;
        Track(entry.Pid, entry.Key);
        QueueSync(_buckets.IndexOf(entry.Key), new RecordWrite(owned));
    }

    /// <summary>
    /// The owner is authoritative for its processes: a newer record of a key it owns means
    /// someone else wrote the key, and the owner settles it.
    /// </summary>
    private void CheckOwned(EntryRecord record)
    {
        var key = record.Key;
        if (!_owned.TryGetValue(key, out var mine) || record.Version <= mine.Version) return;

        if (record.Pid.Equals(mine.Pid))
        {
            // Only this node writes its processes' records: a newer one is its own, echoed.
            if (record.IsLive)
                _owned[key] = mine with { Version = record.Version, Metadata = record.Metadata };
            else
                Release(key);
            return;
        }
        Settle(key, mine, record);
    }

    /// <summary>
    /// Another owner's record of a key this node owns, newer than this node's. A live one is a
    /// conflict, which the resolver settles the same way on both owners. A removal of the other
    /// owner's process leaves this node's record the key's, to be told again under a newer version.
    /// A removal that another owner wrote because the resolver freed the key (its own process's
    /// record, reason ConflictLost) frees it here too, once this node's resolver agrees: nobody
    /// else's word makes an owner let go.
    /// </summary>
    private void Settle(string key, EntryRecord mine, EntryRecord theirs)
    {
        if (_removedOwners.Contains(theirs.Owner) || (!theirs.IsLive && theirs.RemovedBecause != UnregisterReason.ConflictLost))
        {
            Reassert(key, mine, over: theirs);
            return;
        }
        var outcome = _arbiter.Decide(key, mine.ToEntry(), theirs.ToEntry());
        if (!theirs.IsLive)
        {
            if (outcome == ConflictOutcome.Free)
                Release(key);
            else
                Reassert(key, mine, over: theirs);
            return;
        }
        switch (outcome)
        {
            case ConflictOutcome.MineWins:
                Reassert(key, mine, over: theirs);
                break;
            case ConflictOutcome.TheirsWins:
                Lose(key, mine.Pid, theirs.Pid);
                break;
            case ConflictOutcome.Free:
                // This node's own record goes, newer than theirs, and tells their owner why.
                Release(key);
                Write(mine.AsTombstone(UnregisterReason.ConflictLost, NextVersion(key)));
                break;
        }
    }

    /// <summary>Tells this node's record of the key again, newer than <paramref name="over"/>, which the peers may hold.</summary>
    private void Reassert(string key, EntryRecord mine, EntryRecord over)
    {
        var again = mine with { Version = _versions.Next(Math.Max(KnownVersion(key), over.Version)) };
        _owned[key] = again;
        Write(again);
    }

    private void Lose(string key, IActorRef loser, IActorRef winner)
    {
        Release(key);
        _log.Info("Process {0} lost key [{1}] to {2}.", loser.Path, key, winner.Path);
        loser.Tell(new NameConflict(key, winner));
        if (_settings.StopConflictLoser)
            loser.Tell(PoisonPill.Instance);
        _metrics.Conflict();
        if (_events.Wanted) _events.Publish(new RegistrationConflict(key, winner, loser));
    }

    // ---- process and member lifecycle ------------------------------------------------------

    private void Track(IActorRef pid, string key)
    {
        if (_keysByPid.Add(pid, key))
            Context.Watch(pid);
    }

    private void Release(string key)
    {
        if (!_owned.Remove(key, out var owned)) return;
        QueueSync(_buckets.IndexOf(key), new ReleaseWrite(key));
        if (_keysByPid.Remove(owned.Pid, key))
            Context.Unwatch(owned.Pid);
    }

    private EntryRecord RemoveOwned(string key, EntryRecord owned, UnregisterReason reason)
    {
        Release(key);
        var tombstone = owned.AsTombstone(reason, NextVersion(key));
        Write(tombstone);
        return tombstone;
    }

    private void HandleTerminated(IActorRef pid)
    {
        foreach (var key in _keysByPid.Of(pid))
            RemoveOwned(key, _owned[key], UnregisterReason.Terminated);
    }

    /// <summary>A node refused while this one had not heard of it yet asks again for what it sent then.</summary>
    private void TrackMember(Member member)
    {
        if (_gate.Track(member) && !member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
            RegistryOf(member).Tell(SnapshotRequest.Instance);
    }

    private IActorRef RegistryOf(Member member) =>
        ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(
            new RootActorPath(member.Address) / "system" / _settings.Name / RegistrySupervisor.WorkerName);

    private void AddPeer(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            // Every peer Up now is one to hear from, though its MemberUp may come after this one.
            foreach (var other in _cluster.State.Members)
            {
                if (other.Status is MemberStatus.Up or MemberStatus.WeaklyUp && !other.UniqueAddress.Equals(member.UniqueAddress) && HasRegistryRole(other))
                    _readiness.Await(other.UniqueAddress);
            }
            _readiness.SelfUp();
            return;
        }
        if (!HasRegistryRole(member)) return;
        var peer = RegistryOf(member);
        _peers[member.Address] = peer;
        _readiness.Await(member.UniqueAddress);
        if (_restarted && !_readiness.IsReady)
            peer.Tell(SnapshotRequest.Instance);
        SendSnapshot(peer);
    }

    private bool HasRegistryRole(Member member) => string.IsNullOrEmpty(_settings.Role) || member.HasRole(_settings.Role);

    private void HandleMemberRemoved(Member member)
    {
        _readiness.Heard(member.UniqueAddress);
        _peers.Remove(member.Address);
        _unreachable.Remove(member.Address);
        _peerFingerprints.Remove(member.Address);
        _lastDigests.Remove(member.UniqueAddress);
        _matched.Remove(member.UniqueAddress);
        _removedOwners.Add(member.UniqueAddress);
        foreach (var entry in _view.Entries.Where(e => e.Owner.Address.Equals(member.Address)).ToList())
            RemoveFromView(entry.Key, UnregisterReason.NodeRemoved);
        SweepRemovedOwners();
    }

    /// <summary>The leader drops removed members' slices; the periodic run catches slices it had not
    /// read yet at the first sweep, and those a new leader finds.</summary>
    private void SweepRemovedOwners()
    {
        if (_removedOwners.Count == 0 || !IsLeader()) return;
        var prune = new PruneWrite(_removedOwners.ToImmutableHashSet());
        for (var bucket = 0; bucket < _lastRead.Length; bucket++)
        {
            if (_lastRead[bucket] is { } data && data.Slices.Keys.Any(_removedOwners.Contains))
                QueueSync(bucket, prune);
        }
    }

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

    /// <summary>Erases this node's old tombstones from the data and forgets old removal versions.</summary>
    private void ExpireTombstones()
    {
        var now = _clock.Now;
        while (_tombstones.TryPeek(out var tombstone) && tombstone.Due <= now)
        {
            _tombstones.Dequeue();
            if (_ownTombstones.TryGetValue(tombstone.Key, out var own) && own.Version == tombstone.Version)
                _ownTombstones.Remove(tombstone.Key);
            QueueSync(_buckets.IndexOf(tombstone.Key), new EraseWrite(tombstone.Key, tombstone.Version));
        }
        var forgetBefore = now - _settings.TombstoneTimeToLive - _settings.TombstoneTimeToLive;
        foreach (var key in _removals.Where(r => r.Value.Seen < forgetBefore).Select(r => r.Key).ToList())
            _removals.Remove(key);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static bool IsLocal(IActorRef actorRef) => actorRef is IInternalActorRef { IsLocal: true };

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        ReferenceEquals(a, b) ||
        (a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value));

    private sealed record OwnerReplied(IActorRef ReplyTo, object Reply, Address Owner, LocalOnly Mark);

    /// <summary>The parts of one owner's snapshot received so far.</summary>
    /// <summary>
    /// Whether parts of a snapshot from <paramref name="owner"/> are still coming. One whose last
    /// parts were lost in a cut is given up after two digest rounds, so digests can ask again.
    /// </summary>
    private bool SnapshotUnderWay(UniqueAddress owner)
    {
        if (!_incomingSnapshots.TryGetValue(owner, out var incoming)) return false;
        if (_clock.Now - incoming.Started < _settings.AntiEntropyInterval + _settings.AntiEntropyInterval) return true;
        _incomingSnapshots.Remove(owner);
        return false;
    }

    private sealed class IncomingSnapshot(long id, TimeSpan started)
    {
        public long Id { get; } = id;
        public TimeSpan Started { get; } = started;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public int NextPart { get; set; }
        public bool Complete { get; set; } = true;
    }

    private sealed class Broadcast
    {
        public static readonly Broadcast Instance = new();
    }

    private sealed class SyncTick
    {
        public static readonly SyncTick Instance = new();
    }

    private sealed class ReconcileTick
    {
        public static readonly ReconcileTick Instance = new();
    }

    private sealed class AntiEntropyTick
    {
        public static readonly AntiEntropyTick Instance = new();
    }

    private sealed class PruneTick
    {
        public static readonly PruneTick Instance = new();
    }

    private sealed class TombstoneTick
    {
        public static readonly TombstoneTick Instance = new();
    }
}
