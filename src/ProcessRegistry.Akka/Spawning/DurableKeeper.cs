using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Keeps durable keys running, one keeper per node. It writes what this node's
/// <see cref="SpawnAgent"/> starts and stops into its own slice of the durable set (a few
/// <see cref="DurableBucket"/>s in the registry's replicator), and reads the whole set back. A key
/// listed running by a node that is no longer a member (it left, was downed, or belonged to a
/// cluster that was stopped and started again), and by no member, is asked for through this node's
/// <see cref="SpawnClient"/>, like any spawn: its shard's host decides, once, where it starts
/// again, however many keepers ask. Once members list every key of a gone node's slice, the
/// keeper retires that slice.
/// </summary>
/// <remarks>
/// Every keeper that knows the key's kind asks, rather than one chosen keeper, so no key waits on
/// a node whose view of the membership lags; the host's single decision makes the extra requests
/// cost only messages.
/// </remarks>
internal sealed class DurableKeeper : UntypedActor, IWithTimers
{
    private readonly ProcessRegistrySettings _settings;
    private readonly RegistryClock _clock;
    private readonly IActorRef _replicator;
    private readonly IActorRef _spawnClient;
    private readonly SpawnKinds _kinds;
    private readonly LocalView _view;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DurableBucketKey[] _keys;
    // The set as this node last read it, one bucket per DData key, without ill-formed entries.
    private readonly DurableBucket[] _set;
    // This node's starts (running) and stops not written yet, per DData key.
    private readonly Dictionary<string, DurableSlice.Entry>[] _unwritten;
    // The agent to tell when a start is written (this node's; one per node).
    private IActorRef _agent = ActorRefs.Nobody;
    // Keys without a live node that this keeper asked for, and when.
    private readonly Dictionary<string, TimeSpan> _asked = new(StringComparer.Ordinal);
    // Nodes with slices that are not members, and since when this keeper has seen them so. A
    // slice is retired only after RetireAfterChecks checks: a node that just joined may write its
    // slice before this node sees it join, and a retired node could never write its slice again.
    private readonly Dictionary<UniqueAddress, TimeSpan> _goneSince = new();
    private const int RetireAfterChecks = 5;
    private readonly FlushPacing _writes;
    private bool _orphansMayExist;
    // Buckets whose forgery this keeper reported, so a forged bucket is reported once.
    private readonly HashSet<int> _forgeriesReported = new();

    public DurableKeeper(ProcessRegistrySettings settings, RegistryClock clock, IActorRef replicator, IActorRef spawnClient, SpawnKinds kinds, LocalView view)
    {
        _settings = settings;
        _clock = clock;
        _replicator = replicator;
        _spawnClient = spawnClient;
        _kinds = kinds;
        _view = view;
        _keys = Enumerable.Range(0, settings.DurableKeyCount)
            .Select(i => new DurableBucketKey(ProcessRegistrySettings.DurableKeyPrefix + i)).ToArray();
        _set = _keys.Select(_ => DurableBucket.Empty).ToArray();
        _unwritten = _keys.Select(_ => new Dictionary<string, DurableSlice.Entry>(StringComparer.Ordinal)).ToArray();
        _writes = new FlushPacing(settings.SyncInterval, Tick.Write, clock);
    }

    /// <summary>The keeper of every node is at <c>/system/{name}{NameSuffix}</c>.</summary>
    public const string NameSuffix = "-durable-keys";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessRegistrySettings settings, RegistryClock clock, IActorRef replicator, IActorRef spawnClient, SpawnKinds kinds, LocalView view) =>
        global::Akka.Actor.Props.Create(() => new DurableKeeper(settings, clock, replicator, spawnClient, kinds, view));

    protected override void PreStart()
    {
        foreach (var key in _keys)
            _replicator.Tell(Dsl.Subscribe(key, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer(Tick.Check, Tick.Check, _settings.DurableCheckInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case DurableStarted started when LocalOnly.Carries(started.Mark):
                _agent = Sender;
                Unwritten(started.Key)[started.Key] = new DurableSlice.Entry(started.Kind, Running: true);
                _writes.Request(Self, Timers, 1);
                break;
            case DurableStopped stopped when LocalOnly.Carries(stopped.Mark):
                Unwritten(stopped.Key)[stopped.Key] = new DurableSlice.Entry(stopped.Kind, Running: false);
                _writes.Request(Self, Timers, 1);
                break;
            case Changed:
                // The next check reads the set afresh (ReadThenAskForOrphans); the change only says to look.
                _orphansMayExist = true;
                break;
            case MayRevive ask when LocalOnly.Carries(ask.Mark):
                _replicator.Tell(Dsl.Get(_keys[BucketOf(ask.Request.Key)], ReadLocal.Instance, new Reviving(ask, Sender)));
                break;
            case GetSuccess { Request: Reviving reviving } read when Sender.Equals(_replicator):
                Decide(reviving, read.Data as DurableBucket);
                break;
            case NotFound { Request: Reviving reviving } when Sender.Equals(_replicator):
                Decide(reviving, null);
                break;
            case GetSuccess read when Sender.Equals(_replicator):
                Read(read.Key, read.Data);
                if (read.Request == FreshRead.Last) AskForOrphans();
                break;
            case NotFound { Key: var key } missing when Sender.Equals(_replicator):
                Read(key, DurableBucket.Empty);
                if (missing.Request == FreshRead.Last) AskForOrphans();
                break;
            case ClusterEvent.MemberRemoved:
            case ClusterEvent.MemberUp { Member: var up } when up.UniqueAddress.Equals(_cluster.SelfUniqueAddress):
                _orphansMayExist = true;
                ReadThenAskForOrphans();
                break;
            case Tick tick when tick == Tick.Check:
                ReadThenAskForOrphans();
                break;
            case Tick tick when tick == Tick.Write:
                Write();
                break;
            case UpdateSuccess { Request: DurableWrite write }:
                Written(write);
                break;
            case IUpdateResponse { Request: Spreading }:
                break; // what did not reach every node at once spreads by gossip
            case UpdateTimeout { Request: DurableWrite write }:
                _log.Warning("A change of the durable set ({0} keys started) did not reach the nodes it had to within {1}; gossip spreads it from here.",
                    write.Started.Count, _settings.SpawnAttemptTimeout);
                Written(write);
                break;
            case IUpdateFailure { Request: DurableWrite write } failure:
                _log.Error("The durable set could not be written ({0}); {1} keys started here are not durable.", failure.GetType().Name, write.Started.Count);
                Written(write);
                break;
            case IActorRef or Status.Failure:
                break; // a spawn's answer: the durable set, not the answer, says when a key runs again
            case ClusterEvent.IMemberEvent:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private int BucketOf(string key) => StableHash.SlotOf(key, _keys.Length);

    private Dictionary<string, DurableSlice.Entry> Unwritten(string key) => _unwritten[BucketOf(key)];

    /// <summary>The nodes that count as members: their slices are theirs to edit; any other node's slice is a gone node's.</summary>
    private ImmutableHashSet<UniqueAddress> Members() =>
        _cluster.State.Members.Where(Membership.Counts).Select(member => member.UniqueAddress).ToImmutableHashSet();

    /// <summary>
    /// Writes this node's starts and stops into its slice: a start to a majority of the nodes, so
    /// that it outlives this node as soon as its caller hears of it; a stop to all of them. A
    /// stopped key that a gone node's slice lists running stays listed, stopped (even when its
    /// start was not written yet: the gone node's slice alone would name it).
    /// </summary>
    private void Write()
    {
        _writes.Flushed();
        var self = _cluster.SelfUniqueAddress;
        var members = Members();
        var majority = new WriteMajority(_settings.SpawnAttemptTimeout);
        // A stop goes to every node: any keeper that still listed the key would start it again
        // once this node is removed. (Gossip carries it to a node that did not answer in time.)
        var all = new WriteAll(_settings.SpawnAttemptTimeout);
        for (var bucket = 0; bucket < _keys.Length; bucket++)
        {
            if (_unwritten[bucket].Count == 0) continue;
            var changes = _unwritten[bucket].ToList();
            _unwritten[bucket].Clear();
            var write = new DurableWrite(bucket, changes.Where(change => change.Value.Running).Select(change => change.Key).ToList(), _agent);
            var consistency = changes.Any(change => !change.Value.Running) ? (IWriteConsistency)all : majority;
            _replicator.Tell(Dsl.Update(_keys[bucket], DurableBucket.Empty, consistency, write, set => set.Edit(self, entries =>
            {
                foreach (var (key, change) in changes)
                {
                    if (change.Running || set.RunsOnGoneNode(key, members))
                        entries = entries.SetItem(key, change);
                    else
                        entries = entries.Remove(key);
                }
                return entries;
            })));
        }
    }

    /// <summary>
    /// Tells the agent of the starts a majority has, and spreads them to the other nodes: a
    /// majority write need not reach them, and a node whose replica lacks this node's slice could
    /// take over one of its keys after this node goes, see it stop by itself, and drop it, not
    /// knowing that this slice still lists it running (see <see cref="DurableBucket"/>).
    /// </summary>
    private void Written(DurableWrite write)
    {
        if (write.Started.Count == 0) return;
        WriteToAll(write.Bucket, set => set);
        write.Agent.Tell(new DurableWritten(write.Started, LocalOnly.Mark));
    }

    /// <summary>
    /// Answers whether a keeper's request may start its key, from this node's replica as it is
    /// now, and this node's starts and stops not written yet: not when a member lists the key,
    /// running or stopped by itself, since it was asked for.
    /// (A replica that has not heard of the gone node's slice yet starts it: the asker had.)
    /// </summary>
    private void Decide(Reviving reviving, DurableBucket? bucket)
    {
        var (request, client) = (reviving.Ask.Request, reviving.Ask.Client);
        var listed = Unwritten(request.Key).ContainsKey(request.Key) || (bucket is not null && bucket.ListedByMember(request.Key, Members()));
        var refusal = listed
            ? $"Key '{request.Key}' no longer waits for a node: a member runs it, or ran it and it stopped by itself."
            : null;
        reviving.Agent.Tell(new RevivalDecided(request, client, refusal, LocalOnly.Mark));
    }

    /// <summary>Takes a DData key's content, leaving out entries that are not well formed (any member can write them).</summary>
    private void Read(IKey dataKey, object data)
    {
        var bucket = Array.FindIndex(_keys, key => key.Equals(dataKey));
        if (bucket < 0 || data is not DurableBucket read) return;
        var slices = read.Slices;
        foreach (var (node, slice) in read.Slices)
        {
            var illFormed = slice.Entries.Where(entry => !WellFormed(entry.Key, entry.Value)).Select(entry => entry.Key).ToList();
            if (illFormed.Count == 0) continue;
            foreach (var key in illFormed)
                _log.Warning("Ignored an ill-formed entry of the durable set under key [{0}].", WellFormedText.Excerpt(key));
            slices = slices.SetItem(node, new DurableSlice(slice.Version, slice.Entries.RemoveRange(illFormed)));
        }
        _set[bucket] = ReferenceEquals(slices, read.Slices) ? read : new DurableBucket(slices, read.Retired);
        ReportForgery(bucket, read);
    }

    /// <summary>
    /// DData merges do not say who wrote what, so any member can retire a live node, or give that
    /// node's slice a version it can never pass; either makes the node's later writes to the
    /// bucket lose for good. Neither can be undone inside the CRDT, so it is reported loudly.
    /// </summary>
    private void ReportForgery(int bucket, DurableBucket read)
    {
        var self = _cluster.SelfUniqueAddress;
        var version = read.SliceOf(self).Version;
        var forgery = read.Retired.Contains(self) ? "retires this node, a member"
            : version > DurableSlice.HighestHonestVersion ? $"gives this node's slice version {version}, which this node never wrote"
            : null;
        if (forgery is null || !_forgeriesReported.Add(bucket)) return;
        _log.Error("The durable set's bucket {0} {1}: another member forged it. Durable keys this node starts in that bucket are no longer kept.", _keys[bucket].Id, forgery);
    }

    private bool WellFormed(string key, DurableSlice.Entry entry) =>
        KeyLimits.Violation(key, _settings) is null && SpawnKinds.NameProblem(entry.Kind) is null;

    /// <summary>
    /// Reads every bucket from the local replica, then asks for orphans (<see cref="FreshRead"/>):
    /// a change notification lags by up to the replicator's notify-subscribers-interval, and a key
    /// whose process stopped just before its node went would still be in that copy, and start again.
    /// </summary>
    private void ReadThenAskForOrphans()
    {
        if (!_orphansMayExist || !Membership.IsUp(_cluster.SelfMember)) return;
        for (var bucket = 0; bucket < _keys.Length; bucket++)
            _replicator.Tell(Dsl.Get(_keys[bucket], ReadLocal.Instance, bucket == _keys.Length - 1 ? FreshRead.Last : null));
    }

    /// <summary>
    /// Asks for every durable key that a gone node's slice lists running, that no member lists,
    /// and whose kind this node knows, unless it asked within the last check interval and the key
    /// has not come back since. Then tidies up: retires the slices of gone nodes whose keys members
    /// took over, and drops this node's stopped keys that no gone node lists any more.
    /// </summary>
    private void AskForOrphans()
    {
        if (!_orphansMayExist || !Membership.IsUp(_cluster.SelfMember)) return;
        var members = Members();
        var self = _cluster.SelfUniqueAddress;
        var now = _clock.Now;
        var waiting = 0;
        for (var index = 0; index < _set.Length; index++)
        {
            var bucket = _set[index];
            foreach (var (node, slice) in bucket.Slices)
            {
                if (members.Contains(node)) continue;
                waiting++;
                if (!_goneSince.TryGetValue(node, out var goneSince))
                    _goneSince[node] = goneSince = now;
                if (now - goneSince >= _settings.DurableCheckInterval * RetireAfterChecks && bucket.TakenOver(node, members))
                {
                    WriteToAll(index, set => set.TakenOver(node, Members()) ? set.Retire(node) : set);
                    continue;
                }
                foreach (var (key, entry) in slice.Entries)
                {
                    if (!entry.Running || bucket.ListedByMember(key, members) || !Orphaned(key, members)) continue;
                    if (!_kinds.TryGet(entry.Kind, out _)) continue;
                    if (_asked.TryGetValue(key, out var askedAt) && now - askedAt < _settings.DurableCheckInterval) continue;
                    _asked[key] = now;
                    _spawnClient.Tell(SpawnRequest.Revive(key, entry.Kind), Self);
                }
            }
            if (bucket.SliceOf(self).Entries.Any(entry => !entry.Value.Running && !bucket.RunsOnGoneNode(entry.Key, members)))
            {
                waiting++;
                WriteToAll(index, set => set.Edit(self, entries =>
                    entries.RemoveRange(entries.Where(entry => !entry.Value.Running && !set.RunsOnGoneNode(entry.Key, Members())).Select(entry => entry.Key).ToList())));
            }
        }
        _orphansMayExist = waiting > 0;
        foreach (var member in _goneSince.Keys.Where(members.Contains).ToList())
            _goneSince.Remove(member);
        if (waiting > 0) return;
        _asked.Clear();
        _goneSince.Clear();
    }

    /// <summary>
    /// A write to every node that nobody waits for: a tidy-up, which <paramref name="edit"/> decides
    /// again on the replica's current bucket, or (unchanged) the spreading of a start.
    /// </summary>
    private void WriteToAll(int bucket, Func<DurableBucket, DurableBucket> edit) =>
        _replicator.Tell(Dsl.Update(_keys[bucket], DurableBucket.Empty, new WriteAll(_settings.SpawnAttemptTimeout), Spreading.Instance, edit));

    /// <summary>
    /// Whether the view agrees that the key has no process: none of a member holds it. It may be
    /// back already, its new node not yet written into the set.
    /// </summary>
    private bool Orphaned(string key, ImmutableHashSet<UniqueAddress> members) =>
        !_view.TryGet(key, out var record) || !members.Contains(record.Owner);

    /// <summary>Marks the read of the last bucket: the replicator answers local reads in order, so all are read when it is.</summary>
    private sealed class FreshRead
    {
        public static readonly FreshRead Last = new();

        private FreshRead()
        {
        }
    }

    /// <summary>A <see cref="MayRevive"/> while its bucket is read, and the agent that asked.</summary>
    private sealed record Reviving(MayRevive Ask, IActorRef Agent);

    private sealed class Spreading
    {
        public static readonly Spreading Instance = new();

        private Spreading()
        {
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Check = new(), Write = new();

        private Tick()
        {
        }
    }
}
