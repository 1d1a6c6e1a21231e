using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Remote;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka;

/// <summary>
/// A cluster-wide process registry: key → live <see cref="IActorRef"/>, replicated to every
/// node through Distributed Data and read from this node's replica without messaging.
/// Get it with <c>system.Registry()</c> or <see cref="Get"/>.
/// </summary>
/// <remarks>
/// Start it on every node when the actor system starts (list it in <c>akka.extensions</c>, or use
/// <c>WithProcessRegistry</c> in Akka.Hosting): owners send their writes to the registry of every
/// member, and the spawn region must exist on every node that should host processes.
/// </remarks>
public sealed class ClusterProcessRegistry : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly LocalView _view = new();
    private readonly Address _selfAddress;
    private readonly IActorRef _spawnClient;
    private readonly RegistryMetrics _metrics;
    private readonly RegistryEventPublisher _events;
    private readonly Readiness _readiness = new();
    private readonly SpawnKinds _kinds = new();
    private readonly MovingKeys _moving;
    // The path every LocalReply shows; nothing resolves it, replies reach it by reference.
    private readonly ActorPath _replyPath;

    /// <summary>Creates the extension; use <see cref="Get"/> instead.</summary>
    public ClusterProcessRegistry(ExtendedActorSystem system)
    {
        _system = system;
        _replyPath = system.Provider.TempPath();
        system.Settings.InjectTopLevelFallback(DefaultConfig());
        system.Settings.InjectTopLevelFallback(DistributedData.DefaultConfig());
        Settings = ProcessRegistrySettings.Create(system);
        Clock = new RegistryClock(system.Settings.Setup.Get<ProcessRegistrySetup>().Select(setup => setup.Time).GetOrElse(TimeProvider.System));

        var cluster = Cluster.Get(system);
        _selfAddress = cluster.SelfAddress;
        _metrics = new RegistryMetrics(_selfAddress.ToString(), () => _view.Count);
        system.RegisterOnTermination(_metrics.Dispose);
        SharedView.Register(system, _view);
        Buckets = new BucketKeys<EntryRecord>("process-registry", Settings.DistributedKeyCount);
        Replicator = system.SystemActorOf(DedicatedReplicator.Props(Settings.Replicator), Settings.ReplicatorName);
        _events = new RegistryEventPublisher(system.EventStream);
        var registry = Registry.RegistryActor.Props(new RegistryActorParts(Settings, Clock, new VersionClock(Clock), _readiness, _view, Replicator, Buckets, CreateResolver(Settings.ConflictResolver), _metrics, _events));
        RegistryActor = system.SystemActorOf(RegistrySupervisor.Props(registry), Settings.Name);
        _moving = new MovingKeys(_view, () => Clock.Now);
        _spawnClient = system.SystemActorOf(SpawnClient.Props(Settings, Clock, _view, _moving, RegistryActor, SpawnRegion.Start(system, Settings, Clock, _view, _kinds)), Settings.Name + "-spawn");
        var durableKeeper = system.SystemActorOf(DurableKeeper.Props(Settings, Clock, Replicator, _spawnClient, _kinds, _view), Settings.Name + DurableKeeper.NameSuffix);
        var agent = system.SystemActorOf(SpawnAgent.Props(_view, _moving, RegistryActor, durableKeeper, _kinds, Settings, Clock), Settings.Name + SpawnAgent.NameSuffix);
        SpawnAgent.HandOffOnLeaving(system, agent);
    }

    /// <summary>This registry's settings.</summary>
    public ProcessRegistrySettings Settings { get; }

    internal RegistryClock Clock { get; }

    internal RegistryMetrics Metrics => _metrics;

    /// <summary>The registry actor of this node (its supervisor, which forwards to it).</summary>
    internal IActorRef RegistryActor { get; }

    /// <summary>The registry's own replicator, which holds the <see cref="Buckets"/>.</summary>
    internal IActorRef Replicator { get; }

    internal BucketKeys<EntryRecord> Buckets { get; }

    /// <summary>This node's replica.</summary>
    internal LocalView View => _view;

    /// <summary>
    /// Whether this node is ready to serve: it is an Up member, and every peer it met on the way has
    /// sent it a whole snapshot (so its replica holds what they held then). A node stays ready once
    /// it is; what happens later is the consistency model's to describe. For readiness probes
    /// (with Akka.Hosting: <c>AddProcessRegistryHealthCheck</c>).
    /// </summary>
    public bool IsReady => _readiness.IsReady;

    /// <summary>Why this node is not ready (<see cref="IsReady"/>); empty once it is.</summary>
    public string NotReadyReason => _readiness.Reason;

    /// <summary>Number of entries in this node's replica.</summary>
    public int Count => _view.Count;

    /// <summary>The registry of <paramref name="system"/>, started on first use.</summary>
    public static ClusterProcessRegistry Get(ActorSystem system) =>
        system.WithExtension<ClusterProcessRegistry, ProcessRegistryProvider>();

    /// <summary>The reference configuration (<c>akka.cluster.process-registry</c>) embedded in this library.</summary>
    public static Config DefaultConfig() =>
        ConfigurationFactory.FromResource<ClusterProcessRegistry>("ProcessRegistry.Akka.reference.conf");

    // ---- reads: this node's replica, no messages --------------------------------------------

    /// <summary>The process registered under <paramref name="key"/>, or null. A plain read of this node's replica.</summary>
    public IActorRef? GetPid(string key)
    {
        var hit = TryRead(key, out var entry);
        _metrics.Lookup(hit);
        return hit ? entry.Pid : null;
    }

    /// <summary>
    /// The key's record in this node's replica, unless it names a process of this node that already
    /// stopped: its owner's Terminated may still be queued, and handing out a dead pid then would
    /// lose messages that a fresh process (spawned, or registered anew) should get.
    /// </summary>
    private bool TryRead(string key, out EntryRecord entry) =>
        _view.TryGet(key, out entry) && !entry.PidKnownDead;

    /// <summary>The records of this node's replica, but those of this node's processes that already stopped.</summary>
    private IEnumerable<EntryRecord> LiveEntries => _view.Entries.Where(e => !e.PidKnownDead);

    /// <summary>
    /// The process registered under <paramref name="key"/>; when there is none, exactly one is
    /// started somewhere in the cluster from <paramref name="props"/> (through Cluster Sharding),
    /// registered, and returned. A hit in this node's replica returns at once without messaging.
    /// The process decides its own lifetime; once it stops, the next call starts a fresh one.
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, or props that cannot be sent to another node
    /// (they need an actor type and serializable constructor arguments). Thrown before anything is spawned.</exception>
    /// <exception cref="TimeoutException">The task faults with it when no process answered within <c>spawn.timeout</c>.</exception>
    public Task<IActorRef> GetPid(string key, Props props, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(props);
        if (TryRead(key, out var entry)) return Task.FromResult(entry.Pid);
        return Spawn(PropsCheck.RequestFor(_system, Settings, key, props), cancellationToken);
    }

    /// <summary>
    /// Adds a spawn kind on this node: <paramref name="factory"/> makes the props of a key's process
    /// on the node that starts it, so only the key and the kind's name travel (props made with
    /// dependency injection work on every node). Add each kind on every node that may call or host
    /// it, before they do; a node starts only the kinds it added. With <paramref name="role"/>, the
    /// kind's processes run only on members with that role.
    /// </summary>
    /// <exception cref="ArgumentException">A bad name (1 to 64 letters, digits, '.', '_', '-' or '/'),
    /// a null factory, an empty role, or a kind of that name was added on this node already.</exception>
    public void AddKind(string kind, Func<string, Props> factory, string? role = null) =>
        _kinds.Add(kind, factory, new SpawnKindOptions { Role = role });

    /// <summary>
    /// Adds a spawn kind on this node, as <see cref="AddKind(string, Func{string, Props}, string?)"/>
    /// does, with the role and durability of <paramref name="options"/>: a durable kind's keys are
    /// started again on the survivors when their node is removed, without waiting for a caller.
    /// </summary>
    /// <exception cref="ArgumentException">A bad name, a null factory or options, an empty role, or a
    /// kind of that name was added on this node already.</exception>
    public void AddKind(string kind, Func<string, Props> factory, SpawnKindOptions options) => _kinds.Add(kind, factory, options);

    /// <summary>
    /// The process registered under <paramref name="key"/>; when there is none, exactly one is
    /// started, by the spawn kind named <paramref name="kind"/>, on the member that placement
    /// picks (new keys spread evenly over the members that may host the kind, a node that joins
    /// taking its share), registered, and returned. A hit in this node's replica returns at once.
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, or no kind of that name was added on this node. Thrown before anything is spawned.</exception>
    /// <exception cref="TimeoutException">The task faults with it when no process answered within <c>spawn.timeout</c>.</exception>
    public Task<IActorRef> GetPid(string key, string kind, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        _kinds.Get(kind, nameof(kind));
        if (TryRead(key, out var entry)) return Task.FromResult(entry.Pid);
        return Spawn(SpawnRequest.OfKind(key, kind), cancellationToken);
    }

    private Task<IActorRef> Spawn(SpawnRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<IActorRef>(cancellationToken);
        if (_moving.TryGetMove(request.Key, out var moved))
            return AfterMove(moved, request, cancellationToken);
        var reply = new LocalReply<IActorRef>(_system.Provider, _replyPath, SpawnAnswer);
        _spawnClient.Tell(request, reply);
        // The client answers every request, with a TimeoutException once spawn.timeout passed.
        return cancellationToken.CanBeCanceled ? reply.Answer.WaitAsync(cancellationToken) : reply.Answer;
    }

    /// <summary>A spawn of a key whose process is moving: its successor, or, when the move ended without one, a spawn as usual.</summary>
    private async Task<IActorRef> AfterMove(Task<IActorRef?> moved, SpawnRequest request, CancellationToken cancellationToken)
    {
        var successor = await moved.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (successor is not null) return successor;
        if (TryRead(request.Key, out var entry)) return entry.Pid;
        return await Spawn(request, cancellationToken).ConfigureAwait(false);
    }

    private static IActorRef SpawnAnswer(object answer) => answer switch
    {
        IActorRef pid => pid,
        Status.Failure failure => throw failure.Cause,
        _ => throw new InvalidOperationException($"Unexpected spawn answer {answer.GetType().Name}."),
    };

    /// <summary>
    /// A reference bound to <paramref name="key"/>, not to one process: each Tell goes to whatever
    /// process holds the key at send time, so it stays valid across restarts of the process.
    /// While the key's process moves to another node (a hand-off), messages wait and reach its
    /// successor, in the order they were sent.
    /// Messages to a key with no process go to dead letters, with a log line naming the key.
    /// A handle for this node: do not send it to other nodes.
    /// </summary>
    public IActorRef RefFor(string key)
    {
        ValidateKey(key);
        return new KeyBoundActorRef(GetPid, spawn: null, _moving, _system, key);
    }

    /// <summary>
    /// Like <see cref="RefFor(string)"/>, and a Tell to a key with no process first spawns one from
    /// <paramref name="props"/> (as <see cref="GetPid(string, Props, CancellationToken)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, or props that cannot be sent to another node.</exception>
    public IActorRef RefFor(string key, Props props)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(props);
        PropsCheck.RequestFor(_system, Settings, key, props);
        return new KeyBoundActorRef(GetPid, k => GetPid(k, props), _moving, _system, key);
    }

    /// <summary>
    /// Like <see cref="RefFor(string)"/>, and a Tell to a key with no process first spawns one by
    /// the kind named <paramref name="kind"/> (as <see cref="GetPid(string, string, CancellationToken)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, or no kind of that name was added on this node.</exception>
    public IActorRef RefFor(string key, string kind)
    {
        ValidateKey(key);
        _kinds.Get(kind, nameof(kind));
        return new KeyBoundActorRef(GetPid, k => GetPid(k, kind), _moving, _system, key);
    }

    /// <summary>Reads the process registered under <paramref name="key"/> from this node's replica.</summary>
    public bool TryGetPid(string key, out IActorRef pid)
    {
        var hit = TryRead(key, out var entry);
        _metrics.Lookup(hit);
        if (hit)
        {
            pid = entry.Pid;
            return true;
        }
        pid = ActorRefs.Nobody;
        return false;
    }

    /// <summary>The whole entry registered under <paramref name="key"/>, or null.</summary>
    public RegistryEntry? Lookup(string key) => TryRead(key, out var entry) ? entry.ToEntry() : null;

    /// <summary>Whether <paramref name="key"/> is registered in this node's replica.</summary>
    public bool IsRegistered(string key) => TryRead(key, out _);

    /// <summary>A snapshot of every entry in this node's replica.</summary>
    public IReadOnlyList<RegistryEntry> Entries() => LiveEntries.Select(e => e.ToEntry()).ToList();

    /// <summary>A snapshot of the entries whose processes live on this node.</summary>
    public IReadOnlyList<RegistryEntry> LocalEntries() => LiveEntries.Where(e => e.Owner.Address.Equals(_selfAddress)).Select(e => e.ToEntry()).ToList();

    /// <summary>Number of entries whose processes live on the node at <paramref name="node"/>.</summary>
    public int CountOn(Address node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return LiveEntries.Count(e => e.Owner.Address.Equals(node));
    }

    /// <summary>Entries whose metadata has label <paramref name="name"/> (with <paramref name="value"/>, when given).</summary>
    public IReadOnlyList<RegistryEntry> EntriesWithMetadata(string name, string? value = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return LiveEntries
            .Where(e => e.Metadata.TryGetValue(name, out var v) && (value is null || v == value))
            .Select(e => e.ToEntry())
            .ToList();
    }

    // ---- writes: through the owner's registry actor -----------------------------------------

    /// <summary>
    /// Registers <paramref name="pid"/> under <paramref name="key"/>. The node hosting the pid
    /// writes the entry, watches the pid and removes the entry when it stops. Registering the
    /// same pid again replaces its metadata. When the task completes the entry is visible on
    /// this node and on the pid's node.
    /// </summary>
    /// <exception cref="ArgumentException">Null, empty or too long key; null, <c>Nobody</c> or dead pid;
    /// metadata over its limits. Thrown before anything is written.</exception>
    /// <exception cref="KeyAlreadyRegisteredException">The task faults with it when another live pid holds the key.</exception>
    public Task<RegistryEntry> Register(string key, IActorRef pid, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ValidateKey(key);
        ValidatePid(pid);
        var labels = ValidateMetadata(metadata);
        return Ask(new RegisterCommand(key, pid, labels), ToEntry);
    }

    /// <summary>
    /// Unregisters <paramref name="key"/> (on the node that owns it). The task's result says
    /// whether an entry was removed.
    /// </summary>
    /// <exception cref="ArgumentException">Null, empty or too long key.</exception>
    public Task<bool> Unregister(string key)
    {
        ValidateKey(key);
        return Ask(new UnregisterCommand(key, null), reply => ((UnregisterReply)reply).Removed);
    }

    /// <summary>
    /// Changes metadata labels of a registered key atomically on the node that owns it: each
    /// change sets a label, or removes it when its value is null. The task's result is the
    /// updated entry, or null when the key is not registered.
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, null changes or an empty label name. The task
    /// faults with it when the result would exceed the metadata limits (nothing is written).</exception>
    public Task<RegistryEntry?> UpdateMetadata(string key, IReadOnlyDictionary<string, string?> changes)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Keys.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Metadata label names must not be null or empty.", nameof(changes));
        foreach (var (name, value) in changes)
        {
            if (!WellFormedText.IsWellFormed(name) || (value is not null && !WellFormedText.IsWellFormed(value)))
                throw new ArgumentException($"Metadata label '{WellFormedText.Printable(name)}' is not well-formed UTF-16 (a lone surrogate).", nameof(changes));
        }
        return Ask(new UpdateMetadataCommand(key, changes), reply => reply is NotRegistered ? null : (RegistryEntry?)ToEntry(reply));
    }

    /// <summary>
    /// Completes with the entry as soon as <paramref name="key"/> is registered anywhere (it
    /// completes here when this node's replica has it), or faults with
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit). A call that ends, however it ends, leaves nothing behind.
    /// </summary>
    /// <exception cref="ArgumentException">Bad key, or a timeout that is negative (but infinite) or longer than about 49 days.</exception>
    public Task<RegistryEntry> WaitFor(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        if (timeout != Timeout.InfiniteTimeSpan && (timeout < TimeSpan.Zero || timeout > MaxWait))
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"A wait is between zero and {MaxWait}, or Timeout.InfiniteTimeSpan.");
        if (TryRead(key, out var present)) return Task.FromResult(present.ToEntry());
        return WaitForArrival(key, timeout, cancellationToken);
    }

    // The longest wait a timer takes (uint.MaxValue - 1 milliseconds).
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    private async Task<RegistryEntry> WaitForArrival(string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = _view.Waiters.Add(key);
        try
        {
            // The writer may have set the key between the first look and the waiter's arrival.
            if (TryRead(key, out var present)) return present.ToEntry();
            return (await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)).ToEntry();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Key '{key}' was not registered within {timeout}.", ex);
        }
        finally
        {
            _view.Waiters.Remove(key, waiter);
        }
    }

    /// <summary>
    /// Registers many processes at once (as <see cref="Register"/> each). Every key, pid and the
    /// metadata are checked before anything is written; the task faults if any registration
    /// fails (the others stay registered).
    /// </summary>
    public Task<RegistryEntry[]> RegisterMany(IReadOnlyCollection<(string Key, IActorRef Pid)> processes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(processes);
        foreach (var (key, pid) in processes)
        {
            ValidateKey(key);
            ValidatePid(pid);
        }
        var labels = ValidateMetadata(metadata);
        return Task.WhenAll(processes.Select(p => Ask(new RegisterCommand(p.Key, p.Pid, labels), ToEntry)));
    }

    /// <summary>Unregisters many keys at once; the task's result is how many were removed.</summary>
    /// <exception cref="ArgumentException">A bad key among them; thrown before anything is unregistered.</exception>
    public Task<int> UnregisterMany(IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
            ValidateKey(key);
        return CountRemoved(keys.Select(Unregister).ToList());

        static async Task<int> CountRemoved(List<Task<bool>> unregistrations) =>
            (await Task.WhenAll(unregistrations).ConfigureAwait(false)).Count(removed => removed);
    }

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to this node's <see cref="RegistryEvent"/>s. Subscribe
    /// here rather than on the event stream: a node makes events only while it has subscribers.
    /// </summary>
    public void Subscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _events.Subscribe(subscriber);
    }

    /// <summary>Stops sending registry events to <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _events.Unsubscribe(subscriber);
    }

    private async Task<T> Ask<T>(object command, Func<object, T> interpret)
    {
        var reply = new LocalReply<object>(_system.Provider, _replyPath, static answer => answer);
        RegistryActor.Tell(command, reply);
        object answer;
        try
        {
            answer = await reply.Answer.WaitAsync(Settings.AskTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The registry actor did not answer within {Settings.AskTimeout} (akka.cluster.process-registry.ask-timeout).");
        }
        return answer is Status.Failure failure ? throw failure.Cause : interpret(answer);
    }

    private static RegistryEntry ToEntry(object reply) => reply switch
    {
        RegisterAccepted accepted => accepted.Record.ToEntry(),
        RegisterTaken taken => throw new KeyAlreadyRegisteredException(taken.Key, taken.Holder),
        RegisterRejected rejected => throw new ArgumentException(rejected.Reason),
        _ => throw new InvalidOperationException($"Unexpected registry reply {reply.GetType().Name}."),
    };

    // ---- validation -------------------------------------------------------------------------

    internal void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (KeyLimits.Violation(key, Settings) is { } violation)
            throw new ArgumentException(violation, nameof(key));
    }

    private static void ValidatePid(IActorRef pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        if (!Processes.IsProcess(pid))
            throw new ArgumentException(
                $"{pid} ({pid.GetType().Name}) is not a process that can be registered: only actors can be, not Nobody, " +
                "dead letters, a ref from RefFor or an ask's temporary ref.", nameof(pid));
        if (Processes.IsKnownDead(pid))
            throw new ArgumentException($"{pid.Path} is not alive; nothing was registered.", nameof(pid));
    }

    private ImmutableDictionary<string, string> ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0) return ImmutableDictionary<string, string>.Empty;
        var labels = metadata.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value));
        if (MetadataLimits.Violation(labels, Settings) is { } violation)
            throw new ArgumentException(violation, nameof(metadata));
        return metadata.ToImmutableDictionary(StringComparer.Ordinal);
    }

    private static IConflictResolver CreateResolver(string name) => name switch
    {
        "keep-newest" => new KeepNewestResolver(),
        "keep-oldest" => new KeepOldestResolver(),
        _ => Type.GetType(name) is { } type && typeof(IConflictResolver).IsAssignableFrom(type)
            ? (IConflictResolver)Activator.CreateInstance(type)!
            : throw new ConfigurationException(
                $"akka.cluster.process-registry.conflict-resolver '{name}' is neither keep-newest, keep-oldest nor an {nameof(IConflictResolver)} type."),
    };
}
