using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Conflicts;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The registry actor, one per node. It owns (writes) the entries of the processes its node
/// hosts, turns replicated bucket states into the local view and its events, prunes the
/// entries of removed members when it is the leader, and settles conflicts for the keys it owns.
/// </summary>
internal sealed class RegistryActor : ReceiveActor, IWithTimers
{
    private readonly ProcessRegistrySettings _settings;
    private readonly LocalView _view;
    private readonly IActorRef _replicator;
    private readonly RegistryBuckets _buckets;
    private readonly ConflictArbiter _arbiter;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IWriteConsistency _writeConsistency;

    private readonly Dictionary<string, OwnedEntry> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, HashSet<string>> _keysByPid = new();
    private readonly BucketData?[] _latest;
    private readonly Dictionary<int, List<string>> _keysBeforeRestart = new();
    private readonly HashSet<int> _recovering = new();
    private readonly List<PendingWrite>?[] _pending;
    private readonly Dictionary<long, WriteBatch> _batches = new();
    private readonly Queue<(string Key, long Version, DateTime Due)> _tombstones = new();
    private ImmutableHashSet<UniqueAddress> _removedOwners = ImmutableHashSet<UniqueAddress>.Empty;
    private long _nextBatchId;
    private bool _flushScheduled;

    public RegistryActor(
        ProcessRegistrySettings settings,
        LocalView view,
        IActorRef replicator,
        RegistryBuckets buckets,
        IConflictResolver resolver)
    {
        _settings = settings;
        _view = view;
        _replicator = replicator;
        _buckets = buckets;
        _arbiter = new ConflictArbiter(resolver, _log);
        _writeConsistency = new WriteAll(settings.WriteTimeout);
        _latest = new BucketData?[buckets.Count];
        _pending = new List<PendingWrite>?[buckets.Count];

        Receive<RegisterCommand>(HandleRegister);
        Receive<UnregisterCommand>(HandleUnregister);
        Receive<OwnerReplied>(reply => RefreshThenReply(reply.Key, reply.ReplyTo, reply.Reply));
        Receive<Flush>(_ => FlushPending());
        Receive<Changed>(HandleChanged);
        Receive<GetSuccess>(HandleGetSuccess);
        Receive<NotFound>(HandleNotFound);
        Receive<IUpdateResponse>(HandleUpdateResponse);
        Receive<Terminated>(t => HandleTerminated(t.ActorRef));
        Receive<ClusterEvent.MemberRemoved>(removed => HandleMemberRemoved(removed.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<PruneTick>(_ => SweepRemovedOwners());
        Receive<TombstoneTick>(_ => EraseExpiredTombstones());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        ProcessRegistrySettings settings,
        LocalView view,
        IActorRef replicator,
        RegistryBuckets buckets,
        IConflictResolver resolver) =>
        global::Akka.Actor.Props.Create(() => new RegistryActor(settings, view, replicator, buckets, resolver));

    protected override void PreStart()
    {
        // After a restart the view is still filled; remember which keys each bucket held so the
        // first replicated state of that bucket can tell what vanished meanwhile, and adopt
        // (re-watch) this node's own entries from it.
        foreach (var entry in _view.Entries)
        {
            var bucket = _buckets.IndexOf(entry.Key);
            if (!_keysBeforeRestart.TryGetValue(bucket, out var keys))
                _keysBeforeRestart[bucket] = keys = new List<string>();
            keys.Add(entry.Key);
        }
        for (var i = 0; i < _buckets.Count; i++)
        {
            _recovering.Add(i);
            _replicator.Tell(Dsl.Subscribe(_buckets.Keys[i], Self));
        }
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(nameof(PruneTick), PruneTick.Instance, _settings.PruneInterval);
        var tombstoneCheck = TimeSpan.FromTicks(Math.Max(_settings.TombstoneTimeToLive.Ticks / 2, TimeSpan.TicksPerMillisecond * 100));
        Timers.StartPeriodicTimer(nameof(TombstoneTick), TombstoneTick.Instance, tombstoneCheck);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    // ---- commands --------------------------------------------------------------------------

    private void HandleRegister(RegisterCommand command)
    {
        if (!IsLocal(command.Pid))
        {
            ForwardToOwner(command.Pid.Path.Address, command, command.Key);
            return;
        }
        if (ProcessRegistry.IsKnownDead(command.Pid))
        {
            Sender.Tell(new RegisterRejected($"{command.Pid.Path} is not alive; nothing was registered."));
            return;
        }

        _owned.TryGetValue(command.Key, out var owned);
        if (!command.Force)
        {
            var holder = owned?.Pid ?? (_view.TryGet(command.Key, out var seen) ? seen.Pid : null);
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
            : DateTime.UtcNow.Ticks;
        _owned[command.Key] = new OwnedEntry(command.Pid, command.Metadata, registeredAt, Version: 0);
        Track(command.Pid, command.Key);
        var record = new EntryRecord(command.Pid, _cluster.SelfUniqueAddress, command.Metadata, registeredAt, 0, null);
        Enqueue(_buckets.IndexOf(command.Key), new SetWrite(command.Key, record, command.Force) { ReplyTo = Sender });
    }

    private void HandleUnregister(UnregisterCommand command)
    {
        if (_owned.TryGetValue(command.Key, out var owned) && (command.Pid is null || owned.Pid.Equals(command.Pid)))
        {
            Release(command.Key);
            Enqueue(_buckets.IndexOf(command.Key), new RemoveWrite(command.Key, owned.Pid, UnregisterReason.Unregistered) { ReplyTo = Sender });
            return;
        }
        if (command.Pid is null && _view.TryGet(command.Key, out var entry) && !IsLocal(entry.Pid))
        {
            ForwardToOwner(entry.Node, command with { Pid = entry.Pid }, command.Key);
            return;
        }
        Sender.Tell(new UnregisterReply(false));
    }

    /// <summary>The owner writes; once it answers (after its write reached every replica) this node
    /// reads its own replica, so the caller sees its write here too.</summary>
    private void ForwardToOwner(Address owner, object command, string key)
    {
        var replyTo = Sender;
        var registry = Context.ActorSelection(new RootActorPath(owner) / "system" / _settings.Name);
        registry.Ask<object>(command, _settings.AskTimeout).PipeTo(
            Self,
            success: reply => new OwnerReplied(key, replyTo, reply),
            failure: ex => new OwnerReplied(key, replyTo,
                new Status.Failure(new TimeoutException($"The registry on {owner} did not answer for key '{key}'.", ex))));
    }

    private void RefreshThenReply(string key, IActorRef replyTo, object reply)
    {
        if (reply is Status.Failure)
        {
            replyTo.Tell(reply);
            return;
        }
        var bucket = _buckets.IndexOf(key);
        _replicator.Tell(Dsl.Get(_buckets.Keys[bucket], ReadLocal.Instance, new Refresh(replyTo, reply)));
    }

    // ---- batching writes -------------------------------------------------------------------

    private void Enqueue(int bucket, PendingWrite write)
    {
        (_pending[bucket] ??= new List<PendingWrite>()).Add(write);
        if (_flushScheduled) return;
        _flushScheduled = true;
        Self.Tell(Flush.Instance);
    }

    private void FlushPending()
    {
        _flushScheduled = false;
        var self = _cluster.SelfUniqueAddress;
        var removedOwners = _removedOwners;
        for (var bucket = 0; bucket < _pending.Length; bucket++)
        {
            var writes = _pending[bucket];
            if (writes is null) continue;
            _pending[bucket] = null;

            var batchId = ++_nextBatchId;
            _batches[batchId] = new WriteBatch(writes);
            var key = _buckets.Keys[bucket];
            _replicator.Tell(Dsl.Update(key, BucketData.Empty, _writeConsistency, batchId, data =>
            {
                foreach (var write in writes)
                    data = write.ApplyTo(data, self, removedOwners);
                return data;
            }));
            // The replicator applies the Update before it serves this read, so the reply holds
            // this batch's outcome; no older notification can arrive after it.
            _replicator.Tell(Dsl.Get(key, ReadLocal.Instance, batchId));
        }
    }

    private void HandleUpdateResponse(IUpdateResponse response)
    {
        if (response is IUpdateFailure { Cause: { } cause } && response is not UpdateTimeout)
            _log.Error(cause, "Registry write to {0} failed.", response.Key.Id);
        if (response.Request is long batchId && _batches.TryGetValue(batchId, out var batch))
        {
            batch.Replicated = true;
            TryComplete(batchId, batch);
        }
    }

    private void HandleGetSuccess(GetSuccess success)
    {
        if (!_buckets.TryIndexOf(success.Key, out var bucket)) return;
        var data = success.Get(_buckets.Keys[bucket]);
        OnBucketRead(bucket, data, success.Request);
    }

    private void HandleNotFound(NotFound notFound)
    {
        if (_buckets.TryIndexOf(notFound.Key, out var bucket))
            OnBucketRead(bucket, BucketData.Empty, notFound.Request);
    }

    private void OnBucketRead(int bucket, BucketData data, object? request)
    {
        switch (request)
        {
            case long batchId when _batches.TryGetValue(batchId, out var batch):
                SettleBatch(batch, data);
                Reconcile(bucket, data);
                batch.Read = true;
                TryComplete(batchId, batch);
                break;
            case Refresh refresh:
                Reconcile(bucket, data);
                refresh.ReplyTo.Tell(refresh.Reply);
                break;
        }
    }

    /// <summary>Decides each write's answer from the bucket state that includes it.</summary>
    private void SettleBatch(WriteBatch batch, BucketData data)
    {
        foreach (var write in batch.Writes)
        {
            data.TryGetValue(WriteKey(write), out var record);
            object? reply = null;
            switch (write)
            {
                case SetWrite set:
                    var accepted = record is not null && record.Pid.Equals(set.Record.Pid);
                    var stillOwned = _owned.TryGetValue(set.Key, out var owned) && owned.Pid.Equals(set.Record.Pid);
                    if (accepted && record!.IsLive && stillOwned)
                        _owned[set.Key] = owned! with { Version = record.Version, Metadata = record.Metadata };
                    else if (!accepted && stillOwned)
                        Release(set.Key);
                    reply = accepted
                        ? new RegisterAccepted(set.Key, record!.IsLive ? record : set.Record)
                        : new RegisterTaken(set.Key, record?.Pid ?? ActorRefs.Nobody);
                    break;
                case RemoveWrite remove:
                    var removed = record is { IsLive: false } && record.Pid.Equals(remove.Pid);
                    if (removed)
                        _tombstones.Enqueue((remove.Key, record!.Version, DateTime.UtcNow + _settings.TombstoneTimeToLive));
                    reply = new UnregisterReply(removed);
                    break;
            }
            if (reply is not null && write.ReplyTo is not null)
                batch.Replies.Add((write.ReplyTo, reply));
        }
    }

    private static string WriteKey(PendingWrite write) => write switch
    {
        SetWrite set => set.Key,
        RemoveWrite remove => remove.Key,
        EraseWrite erase => erase.Key,
        _ => "",
    };

    private void TryComplete(long batchId, WriteBatch batch)
    {
        if (!batch.Read) return;
        // A remote caller reads its own replica next: answer it only once the write got there.
        foreach (var (replyTo, reply) in batch.Replies.Where(r => batch.Replicated || IsLocal(r.ReplyTo)).ToList())
        {
            replyTo.Tell(reply);
            batch.Replies.Remove((replyTo, reply));
        }
        if (batch.Replicated)
            _batches.Remove(batchId);
    }

    // ---- replicated state -> view, events, owner duties ------------------------------------

    private void HandleChanged(Changed changed)
    {
        if (_buckets.TryIndexOf(changed.Key, out var bucket))
            Reconcile(bucket, changed.Get(_buckets.Keys[bucket]));
    }

    private void Reconcile(int bucket, BucketData data)
    {
        var previous = _latest[bucket];
        _latest[bucket] = data;
        var recovering = _recovering.Remove(bucket);
        var entries = data.Entries;

        foreach (var (key, record) in entries)
        {
            if (recovering) Adopt(key, record);
            ApplyToView(key, record);
            CheckOwned(key, record);
        }

        IEnumerable<string> knownBefore = previous is not null
            ? previous.Keys
            : _keysBeforeRestart.Remove(bucket, out var keys) ? keys : Enumerable.Empty<string>();
        foreach (var key in knownBefore)
        {
            if (!entries.ContainsKey(key))
                RemoveFromView(key, reason: null);
        }
    }

    private void ApplyToView(string key, EntryRecord record)
    {
        if (!record.IsLive || _removedOwners.Contains(record.Owner))
        {
            RemoveFromView(key, record.RemovedBecause ?? UnregisterReason.NodeRemoved);
            return;
        }
        if (!_view.TryGet(key, out var current))
        {
            var added = record.ToEntry(key);
            _view.Set(added);
            Publish(new ProcessRegistered(added));
            return;
        }
        if (current.Version == record.Version && current.Pid.Equals(record.Pid)) return;

        var next = record.ToEntry(key);
        _view.Set(next);
        if (current.Pid.Equals(next.Pid))
        {
            if (!SameMetadata(current.Metadata, next.Metadata))
                Publish(new ProcessUpdated(current, next));
            return;
        }
        // A live pid replaced by another without a tombstone between them: a conflict was settled.
        Publish(new ProcessUnregistered(current, UnregisterReason.ConflictLost));
        Publish(new ProcessRegistered(next));
    }

    private void RemoveFromView(string key, UnregisterReason? reason)
    {
        if (!_view.TryRemove(key, out var removed)) return;
        var why = reason ?? (IsActiveMember(removed.Node) ? UnregisterReason.Unregistered : UnregisterReason.NodeRemoved);
        Publish(new ProcessUnregistered(removed, why));
    }

    /// <summary>After a restart: take back this node's live entries and watch their processes again.</summary>
    private void Adopt(string key, EntryRecord record)
    {
        if (!record.IsLive || !record.Owner.Equals(_cluster.SelfUniqueAddress) || _owned.ContainsKey(key)) return;
        _owned[key] = new OwnedEntry(record.Pid, record.Metadata, record.RegisteredAtTicks, record.Version);
        Track(record.Pid, key);
    }

    /// <summary>
    /// The owner is authoritative for its processes: when the replicated record of a key it owns
    /// is newer than its own write, someone else wrote the key, and the owner settles it.
    /// </summary>
    private void CheckOwned(string key, EntryRecord record)
    {
        if (!_owned.TryGetValue(key, out var mine) || !mine.IsConfirmed || record.Version < mine.Version) return;

        if (record.Pid.Equals(mine.Pid))
        {
            if (!record.IsLive)
                Release(key); // freed by a conflict resolver elsewhere: let go, stop nobody
            else if (record.Version > mine.Version)
                _owned[key] = mine with { Version = record.Version, Metadata = record.Metadata };
            return;
        }
        if (!record.IsLive || _removedOwners.Contains(record.Owner))
        {
            Reassert(key, mine);
            return;
        }

        var ours = mine.ToRecord(_cluster.SelfUniqueAddress).ToEntry(key);
        switch (_arbiter.Decide(key, ours, record.ToEntry(key)))
        {
            case ConflictOutcome.MineWins:
                Reassert(key, mine);
                break;
            case ConflictOutcome.TheirsWins:
                Lose(key, mine.Pid, record.Pid);
                break;
            case ConflictOutcome.Free:
                Release(key);
                Enqueue(_buckets.IndexOf(key), new RemoveWrite(key, record.Pid, UnregisterReason.ConflictLost));
                break;
        }
    }

    private void Reassert(string key, OwnedEntry mine)
    {
        _owned[key] = mine with { Version = 0 };
        var record = mine.ToRecord(_cluster.SelfUniqueAddress);
        Enqueue(_buckets.IndexOf(key), new SetWrite(key, record, Force: true));
    }

    private void Lose(string key, IActorRef loser, IActorRef winner)
    {
        Release(key);
        _log.Info("Process {0} lost key [{1}] to {2}.", loser.Path, key, winner.Path);
        loser.Tell(new NameConflict(key, winner));
        if (_settings.StopConflictLoser)
            loser.Tell(PoisonPill.Instance);
        Publish(new RegistrationConflict(key, winner, loser));
    }

    // ---- process and member lifecycle ------------------------------------------------------

    private void Track(IActorRef pid, string key)
    {
        if (!_keysByPid.TryGetValue(pid, out var keys))
        {
            _keysByPid[pid] = keys = new HashSet<string>(StringComparer.Ordinal);
            Context.Watch(pid);
        }
        keys.Add(key);
    }

    private void Release(string key)
    {
        if (!_owned.Remove(key, out var owned)) return;
        if (!_keysByPid.TryGetValue(owned.Pid, out var keys)) return;
        keys.Remove(key);
        if (keys.Count > 0) return;
        _keysByPid.Remove(owned.Pid);
        Context.Unwatch(owned.Pid);
    }

    private void HandleTerminated(IActorRef pid)
    {
        if (!_keysByPid.Remove(pid, out var keys)) return;
        foreach (var key in keys)
        {
            _owned.Remove(key);
            Enqueue(_buckets.IndexOf(key), new RemoveWrite(key, pid, UnregisterReason.Terminated));
        }
    }

    private void HandleMemberRemoved(Member member)
    {
        _removedOwners = _removedOwners.Add(member.UniqueAddress);
        foreach (var entry in _view.Entries.Where(e => e.Node.Equals(member.Address)).ToList())
            RemoveFromView(entry.Key, UnregisterReason.NodeRemoved);
        SweepRemovedOwners();
    }

    /// <summary>The leader erases removed members' records; the periodic run catches records a
    /// concurrent update brought back after the first prune.</summary>
    private void SweepRemovedOwners()
    {
        if (_removedOwners.IsEmpty || !IsLeader()) return;
        var prune = new PruneWrite(_removedOwners);
        for (var bucket = 0; bucket < _latest.Length; bucket++)
        {
            if (_latest[bucket] is { } data && data.Entries.Values.Any(r => _removedOwners.Contains(r.Owner)))
                Enqueue(bucket, prune);
        }
    }

    /// <summary>
    /// A live record vanishes from the data only when the leader prunes a removed member's
    /// records, which can reach this node before its own MemberRemoved; an erased tombstone was
    /// already handled when it arrived.
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

    private void EraseExpiredTombstones()
    {
        var now = DateTime.UtcNow;
        while (_tombstones.TryPeek(out var tombstone) && tombstone.Due <= now)
        {
            _tombstones.Dequeue();
            Enqueue(_buckets.IndexOf(tombstone.Key), new EraseWrite(tombstone.Key, tombstone.Version));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void Publish(RegistryEvent registryEvent) => Context.System.EventStream.Publish(registryEvent);

    private static bool IsLocal(IActorRef actorRef) => actorRef is IInternalActorRef { IsLocal: true };

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        ReferenceEquals(a, b) ||
        (a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value));

    private sealed record OwnedEntry(
        IActorRef Pid,
        ImmutableDictionary<string, string> Metadata,
        long RegisteredAtTicks,
        long Version)
    {
        /// <summary>False while this node's write of the entry has not come back from the replicator.</summary>
        public bool IsConfirmed => Version != 0;

        public EntryRecord ToRecord(UniqueAddress owner) => new(Pid, owner, Metadata, RegisteredAtTicks, Version, null);
    }

    private sealed class WriteBatch(List<PendingWrite> writes)
    {
        public List<PendingWrite> Writes { get; } = writes;
        public List<(IActorRef ReplyTo, object Reply)> Replies { get; } = new();
        public bool Read { get; set; }
        public bool Replicated { get; set; }
    }

    private sealed record OwnerReplied(string Key, IActorRef ReplyTo, object Reply);

    private sealed record Refresh(IActorRef ReplyTo, object Reply);

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
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
