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
/// <see cref="SpawnAgent"/> starts and stops into the durable set (a few LWW dictionaries in the
/// registry's replicator: key → kind and node), and reads the whole set back. A key whose node is
/// no longer a member (it left, was downed, or belonged to a cluster that was stopped and started
/// again) is asked for through this node's <see cref="SpawnClient"/>, like any spawn: its shard's
/// host decides, once, where it starts again, however many keepers ask.
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
    private readonly LWWDictionaryKey<string, string>[] _keys;
    // The set as this node last read it, one dictionary per DData key.
    private readonly Dictionary<string, DurableKey>[] _set;
    // This node's starts (a DurableKey) and stops (null) not written yet, per DData key.
    private readonly Dictionary<string, DurableKey?>[] _unwritten;
    // The agent to tell when a start is written (this node's; one per node).
    private IActorRef _agent = ActorRefs.Nobody;
    // Keys without a live node that this keeper asked for, and when.
    private readonly Dictionary<string, TimeSpan> _asked = new(StringComparer.Ordinal);
    private readonly FlushPacing _writes;
    private bool _orphansMayExist;

    public DurableKeeper(ProcessRegistrySettings settings, RegistryClock clock, IActorRef replicator, IActorRef spawnClient, SpawnKinds kinds, LocalView view)
    {
        _settings = settings;
        _clock = clock;
        _replicator = replicator;
        _spawnClient = spawnClient;
        _kinds = kinds;
        _view = view;
        _keys = Enumerable.Range(0, settings.DurableKeyCount)
            .Select(i => new LWWDictionaryKey<string, string>(ProcessRegistrySettings.DurableKeyPrefix + i)).ToArray();
        _set = _keys.Select(_ => new Dictionary<string, DurableKey>(StringComparer.Ordinal)).ToArray();
        _unwritten = _keys.Select(_ => new Dictionary<string, DurableKey?>(StringComparer.Ordinal)).ToArray();
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
                Unwritten(started.Key)[started.Key] = DurableKey.On(started.Kind, _cluster.SelfUniqueAddress);
                _writes.Request(Self, Timers, 1);
                break;
            case DurableStopped stopped when LocalOnly.Carries(stopped.Mark):
                Unwritten(stopped.Key)[stopped.Key] = null;
                _writes.Request(Self, Timers, 1);
                break;
            case Changed:
                // The next check reads the set afresh (ReadThenAskForOrphans); the change only says to look.
                _orphansMayExist = true;
                break;
            case GetSuccess read when Sender.Equals(_replicator):
                Read(read.Key, read.Data);
                if (read.Request == FreshRead.Last) AskForOrphans();
                break;
            case NotFound { Key: var key } missing when Sender.Equals(_replicator):
                Read(key, LWWDictionary<string, string>.Empty);
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

    private Dictionary<string, DurableKey?> Unwritten(string key) => _unwritten[BucketOf(key)];

    /// <summary>
    /// Writes this node's starts and stops: a start to a majority of the nodes, so that it outlives
    /// this node as soon as its caller hears of it; a stop to all of them, and it removes a key only
    /// while the set still names this node for it.
    /// </summary>
    private void Write()
    {
        _writes.Flushed();
        var self = _cluster.SelfUniqueAddress;
        var majority = new WriteMajority(_settings.SpawnAttemptTimeout);
        // A stop goes to every node: any keeper that still listed the key would start it again
        // once this node is removed. (Gossip carries it to a node that did not answer in time.)
        var all = new WriteAll(_settings.SpawnAttemptTimeout);
        for (var bucket = 0; bucket < _keys.Length; bucket++)
        {
            if (_unwritten[bucket].Count == 0) continue;
            var changes = _unwritten[bucket].ToList();
            _unwritten[bucket].Clear();
            var write = new DurableWrite(changes.Where(change => change.Value is not null).Select(change => change.Key).ToList(), _agent);
            var consistency = changes.Any(change => change.Value is null) ? (IWriteConsistency)all : majority;
            _replicator.Tell(Dsl.Update(_keys[bucket], LWWDictionary<string, string>.Empty, consistency, write, set =>
            {
                foreach (var (key, durable) in changes)
                {
                    if (durable is not null)
                        set = set.SetItem(self, key, durable.Encode());
                    else if (set.TryGetValue(key, out var current) && DurableKey.TryDecode(current) is { } held && held.IsOn(self))
                        set = set.Remove(self, key);
                }
                return set;
            }));
        }
    }

    private static void Written(DurableWrite write)
    {
        if (write.Started.Count > 0)
            write.Agent.Tell(new DurableWritten(write.Started, LocalOnly.Mark));
    }

    /// <summary>Takes a DData key's content, leaving out entries that are not well formed (any member can write them).</summary>
    private void Read(IKey dataKey, object data)
    {
        var bucket = Array.FindIndex(_keys, key => key.Equals(dataKey));
        if (bucket < 0 || data is not LWWDictionary<string, string> entries) return;
        var set = _set[bucket];
        set.Clear();
        foreach (var (key, value) in entries.Entries)
        {
            if (KeyLimits.Violation(key, _settings) is null && DurableKey.TryDecode(value) is { } durable)
                set[key] = durable;
            else
                _log.Warning("Ignored an ill-formed entry of the durable set under key [{0}].", WellFormedText.Printable(key.Length > 64 ? key[..64] : key));
        }
    }

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
    /// Asks for every durable key whose node is not a member and whose kind this node knows, unless
    /// it asked within the last check interval and the key has not come back since.
    /// </summary>
    private void AskForOrphans()
    {
        if (!_orphansMayExist || !Membership.IsUp(_cluster.SelfMember)) return;
        var members = _cluster.State.Members.Where(Membership.Counts)
            .Select(member => (member.Address.ToString(), (long)member.UniqueAddress.Uid)).ToHashSet();
        var now = _clock.Now;
        var orphans = 0;
        foreach (var bucket in _set)
        {
            foreach (var (key, durable) in bucket)
            {
                if (members.Contains((durable.NodeAddress, durable.NodeUid)) || !Orphaned(key, members)) continue;
                orphans++;
                if (!_kinds.TryGet(durable.Kind, out _)) continue;
                if (_asked.TryGetValue(key, out var askedAt) && now - askedAt < _settings.DurableCheckInterval) continue;
                _asked[key] = now;
                _spawnClient.Tell(SpawnRequest.OfKind(key, durable.Kind), Self);
            }
        }
        _orphansMayExist = orphans > 0;
        if (orphans == 0) _asked.Clear();
    }

    /// <summary>
    /// Whether the view agrees that the key has no process: none of a member holds it. It may be
    /// back already, its new node not yet written into the set.
    /// </summary>
    private bool Orphaned(string key, HashSet<(string, long)> members) =>
        !_view.TryGet(key, out var record) || !members.Contains((record.Owner.Address.ToString(), record.Owner.Uid));

    /// <summary>Marks the read of the last bucket: the replicator answers local reads in order, so all are read when it is.</summary>
    private sealed class FreshRead
    {
        public static readonly FreshRead Last = new();

        private FreshRead()
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
