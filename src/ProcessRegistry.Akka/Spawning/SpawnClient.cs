using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// This node's side of spawn on demand: it collects the node's <see cref="SpawnRequest"/>s, asks
/// each shard's host once per key (however many callers wait for it) with one batch per shard,
/// sends again what got no answer within an attempt, and hands the answers to the registry actor,
/// which applies the records to this node's view before it answers the callers: a caller whose
/// GetPid(key, props) completed finds the key here.
/// </summary>
internal sealed class SpawnClient : UntypedActor, IWithTimers
{
    private readonly ProcessRegistrySettings _settings;
    private readonly RegistryClock _clock;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly LocalView _view;
    private readonly MovingKeys _moving;
    private readonly IActorRef _registry;
    private readonly Task<IActorRef> _regionStarted;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<SpawnRequest>> _unsent = new();
    // How long a spawn on a node that is not an Up member waits (it may be about to join) before it fails.
    private static readonly TimeSpan NotMemberGrace = TimeSpan.FromSeconds(1);
    // After a member's removal, the requests in flight are sent again every ResendEvery for
    // ResendFor: a request sent to the removed node's region is lost, and the shards it hosted
    // are allocated again within a second or so (once the coordinator's state write goes
    // through), not after a whole attempt-timeout. A request that was not lost is answered twice,
    // and the second answer ignored.
    private static readonly TimeSpan ResendEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ResendFor = TimeSpan.FromSeconds(3);

    private readonly FlushPacing _batches;
    private IActorRef? _region;
    private int _waitingRequests;

    public SpawnClient(ProcessRegistrySettings settings, RegistryClock clock, LocalView view, MovingKeys moving, IActorRef registry, Task<IActorRef> regionStarted)
    {
        _moving = moving;
        _settings = settings;
        _clock = clock;
        _view = view;
        _registry = registry;
        _regionStarted = regionStarted;
        _batches = new FlushPacing(settings.SpawnBatchInterval, SendBatches.Instance, clock);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcessRegistrySettings settings, RegistryClock clock, LocalView view, MovingKeys moving, IActorRef registry, Task<IActorRef> regionStarted) =>
        global::Akka.Actor.Props.Create(() => new SpawnClient(settings, clock, view, moving, registry, regionStarted));

    protected override void PreStart()
    {
        _regionStarted.PipeTo(Self, success: region => new RegionStarted(region), failure: ex => new Status.Failure(ex));
        var shortest = Math.Min(_settings.SpawnAttemptTimeout.Ticks, _settings.SpawnTimeout.Ticks);
        var check = TimeSpan.FromTicks(Math.Clamp(shortest / 10, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond));
        Timers.StartPeriodicTimer(nameof(CheckPending), CheckPending.Instance, check);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SpawnRequest request:
                Request(request, Sender);
                break;
            case SpawnResults results:
                Settle(results.Results, Sender);
                break;
            case SendBatches:
                SendUnsent();
                break;
            case CheckPending:
                RetryOrExpire();
                break;
            case ClusterEvent.MemberRemoved:
                Timers.StartPeriodicTimer(nameof(ResendInFlight), ResendInFlight.Instance, ResendEvery);
                Timers.StartSingleTimer(nameof(StopResending), StopResending.Instance, ResendFor);
                break;
            case ResendInFlight:
                Resend();
                break;
            case StopResending:
                Timers.Cancel(nameof(ResendInFlight));
                break;
            case RegionStarted started:
                _region = started.Region;
                SendUnsent();
                break;
            case Status.Failure failure:
                Context.GetLogger().Error(failure.Cause, "The spawn region did not start; GetPid(key, props) cannot spawn on this node.");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Request(SpawnRequest request, IActorRef caller)
    {
        // Registered while the request was on its way here (by another node's spawn, say); not a
        // record of a node that was removed, which this node's registry may not have pruned yet.
        if (_view.TryGet(request.Key, out var known) && !known.PidKnownDead && IsMember(known.Owner))
        {
            caller.Tell(known.Pid);
            return;
        }
        if (_pending.TryGetValue(request.Key, out var pending))
        {
            pending.Callers.Add(caller);
            // A caller wants a process whatever the durable set says; a revival alone may be refused.
            if (pending.Request.Revival && !request.Revival)
                pending.Request = request;
            return;
        }
        _pending[request.Key] = new Pending(request, [caller], _clock.Now, _clock.Now + _settings.SpawnTimeout);
        Queue(request);
    }

    private bool WaitsForMove(string key)
    {
        if (!_moving.IsMoving(key)) return false;
        _pending[key].SentAt = TimeSpan.MinValue;
        return true;
    }

    private bool IsMember(UniqueAddress node) =>
        node.Equals(_cluster.SelfUniqueAddress) || _cluster.State.Members.Any(member => member.UniqueAddress.Equals(node) && Membership.Counts(member));

    private void Queue(SpawnRequest request)
    {
        var shard = SpawnRegion.ShardOf(request.Key, _settings.SpawnShards);
        if (!_unsent.TryGetValue(shard, out var requests))
            _unsent[shard] = requests = new List<SpawnRequest>();
        requests.Add(request);
        _waitingRequests++;
        if (_region is not null)
            _batches.Request(Self, Timers, _waitingRequests);
    }

    private void SendUnsent()
    {
        _batches.Flushed();
        if (_region is null) return;
        _waitingRequests = 0;
        var now = _clock.Now;
        foreach (var (shard, queued) in _unsent)
        {
            // Not those that expired while queued, nor those whose process is moving: they wait
            // for the next check (the host would place a key whose old holder just went elsewhere).
            var requests = queued.Where(request => _pending.ContainsKey(request.Key) && !WaitsForMove(request.Key));
            foreach (var chunk in MessageChunks.Of(requests, request => 3 * request.Key.Length + request.Arguments.Length + 8))
            {
                if (chunk.Count == 0) continue;
                foreach (var request in chunk)
                    _pending[request.Key].SentAt = now;
                _region.Tell(new SpawnBatch(shard, chunk));
            }
        }
        _unsent.Clear();
    }

    /// <summary>
    /// Answers the callers of the keys a node answered for (the agent that holds the process, or
    /// the host that refused the request). Only a member's answers count, and only records of
    /// processes on the node that sent them; anything else is left to the retries.
    /// </summary>
    private void Settle(IReadOnlyList<SpawnResult> results, IActorRef answering)
    {
        if (!Membership.Admits(_cluster, answering, Context.GetLogger(), "spawn results")) return;
        var node = answering.Path.Address.HasLocalScope ? _cluster.SelfAddress : answering.Path.Address;
        var records = new List<EntryRecord>(results.Count);
        var answers = new List<(IActorRef, object)>(results.Count);
        foreach (var result in results)
        {
            if (!_pending.TryGetValue(result.Key, out var pending)) continue; // answered already, or given up
            if (result.Record is { } held && (!held.Owner.Address.Equals(node) || !held.Key.Equals(result.Key, StringComparison.Ordinal))) continue;
            if (result.Record is null && result.Failure is null)
            {
                pending.SentAt = TimeSpan.MinValue; // the next check sends it again
                continue;
            }
            _pending.Remove(result.Key);
            object answer;
            if (result.Record is { } record)
            {
                records.Add(record);
                answer = record.Pid;
            }
            else
            {
                answer = new Status.Failure(new InvalidOperationException(result.Failure));
            }
            foreach (var caller in pending.Callers)
                answers.Add((caller, answer));
        }
        if (answers.Count > 0)
            _registry.Tell(new MergeThenAnswer(records, answers, LocalOnly.Mark));
    }

    /// <summary>Its callers would otherwise wait for answers the next instance knows nothing of.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (key, pending) in _pending)
            Fail(pending, new InvalidOperationException($"The spawn client failed while the process for key '{key}' was requested: {reason.Message}", reason));
        base.PreRestart(reason, message);
    }

    /// <summary>
    /// Sends again what got no answer within an attempt (it may have gone to a region that died);
    /// fails what waited past spawn.timeout, and, on a node that is not an Up member, what waited
    /// longer than <see cref="NotMemberGrace"/>: no host would ever answer it.
    /// </summary>
    private void RetryOrExpire()
    {
        var now = _clock.Now;
        if (!Membership.IsUp(_cluster.SelfMember))
        {
            FailWaitingOnNonMember(now);
            return;
        }
        var retryBefore = now - _settings.SpawnAttemptTimeout;
        List<string>? expired = null;
        foreach (var (key, pending) in _pending)
        {
            if (pending.Deadline <= now)
                (expired ??= new List<string>()).Add(key);
            else if (pending.SentAt != TimeSpan.MaxValue && pending.SentAt <= retryBefore)
            {
                pending.SentAt = TimeSpan.MaxValue;
                Queue(pending.Request);
            }
        }
        if (expired is null) return;
        foreach (var key in expired)
        {
            _pending.Remove(key, out var pending);
            Fail(pending!, new TimeoutException(
                $"No process for key '{key}' answered within {_settings.SpawnTimeout} (akka.cluster.process-registry.spawn.timeout)."));
        }
    }

    /// <summary>Sends again every request still waiting for its answer (those queued go anyway).</summary>
    private void Resend()
    {
        foreach (var pending in _pending.Values)
        {
            if (pending.SentAt == TimeSpan.MaxValue) continue;
            pending.SentAt = TimeSpan.MaxValue;
            Queue(pending.Request);
        }
    }

    private void FailWaitingOnNonMember(TimeSpan now)
    {
        var status = _cluster.SelfMember.Status;
        foreach (var key in _pending.Where(pair => now - pair.Value.Since > NotMemberGrace).Select(pair => pair.Key).ToList())
        {
            _pending.Remove(key, out var pending);
            Fail(pending!, new InvalidOperationException(
                $"The process for key '{key}' cannot be spawned from {_cluster.SelfAddress}: this node is not an Up member of the cluster " +
                $"(its status is {status}). Spawn once it has joined (ClusterProcessRegistry.IsReady says when)."));
        }
    }

    private static void Fail(Pending pending, Exception cause)
    {
        var failure = new Status.Failure(cause);
        foreach (var caller in pending.Callers)
            caller.Tell(failure);
    }

    /// <summary>A key's request and its callers; <see cref="SentAt"/> is MaxValue while queued.</summary>
    private sealed class Pending(SpawnRequest request, List<IActorRef> callers, TimeSpan since, TimeSpan deadline)
    {
        public SpawnRequest Request { get; set; } = request;
        public List<IActorRef> Callers { get; } = callers;
        public TimeSpan Since { get; } = since;
        public TimeSpan Deadline { get; } = deadline;
        public TimeSpan SentAt { get; set; } = TimeSpan.MaxValue;
    }

    private sealed record RegionStarted(IActorRef Region);

    private sealed class SendBatches
    {
        public static readonly SendBatches Instance = new();
    }

    private sealed class CheckPending
    {
        public static readonly CheckPending Instance = new();
    }

    private sealed class ResendInFlight
    {
        public static readonly ResendInFlight Instance = new();
    }

    private sealed class StopResending
    {
        public static readonly StopResending Instance = new();
    }
}
