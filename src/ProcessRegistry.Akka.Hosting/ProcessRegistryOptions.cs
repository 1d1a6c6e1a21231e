using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>
/// Options for <see cref="AkkaHostingExtensions"/>.<c>WithProcessRegistry</c>:
/// one property per key of <c>akka.cluster.process-registry</c> (hocon/reference.conf documents
/// each). Every property is optional: only the ones you set become HOCON, the rest keep the
/// values of the library's reference config.
/// </summary>
public sealed class ProcessRegistryOptions
{
    /// <summary>Name of the registry actor under <c>/system</c>, the same on every node (<c>name</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The registry runs on members with this role (<c>role</c>).</summary>
    public string? Role { get; set; }

    /// <summary>Number of DData buckets (<c>distributed-key-count</c>); the same on every node.</summary>
    public int? DistributedKeyCount { get; set; }

    /// <summary>Longest accepted key (<c>max-key-length</c>).</summary>
    public int? MaxKeyLength { get; set; }

    /// <summary>Most metadata labels per entry (<c>max-metadata-entries</c>).</summary>
    public int? MaxMetadataEntries { get; set; }

    /// <summary>Largest summed UTF-8 size of an entry's metadata (<c>max-metadata-bytes</c>).</summary>
    public int? MaxMetadataBytes { get; set; }

    /// <summary>How long a call waits for the owning node's registry actor (<c>ask-timeout</c>).</summary>
    public TimeSpan? AskTimeout { get; set; }

    /// <summary>How often pending writes go into the replicated data (<c>sync-interval</c>).</summary>
    public TimeSpan? SyncInterval { get; set; }

    /// <summary>While writes keep coming, an owner broadcasts at most this often (<c>broadcast-interval</c>).</summary>
    public TimeSpan? BroadcastInterval { get; set; }

    /// <summary>How often the registry reads the replicated data (<c>reconcile-interval</c>).</summary>
    public TimeSpan? ReconcileInterval { get; set; }

    /// <summary>How often an owner sends its peers a digest (<c>anti-entropy-interval</c>).</summary>
    public TimeSpan? AntiEntropyInterval { get; set; }

    /// <summary>How often the leader sweeps removed members' entries (<c>prune-interval</c>).</summary>
    public TimeSpan? PruneInterval { get; set; }

    /// <summary>How long a removal tombstone lives (<c>tombstone-time-to-live</c>).</summary>
    public TimeSpan? TombstoneTimeToLive { get; set; }

    /// <summary>How far ahead of this node's clock another node's versions may be (<c>max-clock-lead</c>).</summary>
    public TimeSpan? MaxClockLead { get; set; }

    /// <summary>Whether the loser of a conflict is stopped (true, <c>on-conflict = stop</c>) or only told (false, <c>notify</c>).</summary>
    public bool? StopConflictLoser { get; set; }

    /// <summary>
    /// Who keeps a key two live processes hold (<c>conflict-resolver</c>): <see cref="KeepNewestResolver"/>,
    /// <see cref="KeepOldestResolver"/>, or your own <see cref="IConflictResolver"/> with a parameterless constructor.
    /// </summary>
    public Type? ConflictResolver { get; set; }

    /// <summary>Sharding type name of the spawn region (<c>spawn.type-name</c>).</summary>
    public string? SpawnTypeName { get; set; }

    /// <summary>Processes are spawned on members with this role (<c>spawn.role</c>).</summary>
    public string? SpawnRole { get; set; }

    /// <summary>Number of shards of the spawn region (<c>spawn.number-of-shards</c>).</summary>
    public int? SpawnShards { get; set; }

    /// <summary>How long <c>GetPid(key, props)</c> waits (<c>spawn.timeout</c>).</summary>
    public TimeSpan? SpawnTimeout { get; set; }

    /// <summary>How long one spawn request waits before it is sent again (<c>spawn.attempt-timeout</c>).</summary>
    public TimeSpan? SpawnAttemptTimeout { get; set; }

    /// <summary>While spawn requests keep coming, a node sends them at most this often (<c>spawn.batch-interval</c>).</summary>
    public TimeSpan? SpawnBatchInterval { get; set; }

    /// <summary>Whether nodes move running processes to even out the cluster (<c>spawn.rebalance.enabled</c>).</summary>
    public bool? RebalanceEnabled { get; set; }

    /// <summary>At most this many rebalancing moves per second, per node (<c>spawn.rebalance.moves-per-second</c>).</summary>
    public int? RebalanceMovesPerSecond { get; set; }

    /// <summary>Number of DData keys of the set of durable keys (<c>spawn.durable.distributed-key-count</c>).</summary>
    public int? DurableKeyCount { get; set; }

    /// <summary>While a durable key has no live node, how often each node asks for it again (<c>spawn.durable.check-interval</c>).</summary>
    public TimeSpan? DurableCheckInterval { get; set; }

    /// <summary>
    /// A directory of this node's own where the set of durable keys is kept (LightningDB), so a whole
    /// cluster started again brings every durable key back (<c>spawn.durable.store-directory</c>).
    /// </summary>
    public string? DurableStoreDirectory { get; set; }

    /// <summary>
    /// Actor types <c>GetPid(key, props)</c> may start (<c>spawn.allowed-types</c>); when any is
    /// listed, the list replaces the config's. List the same types on every node.
    /// </summary>
    public IList<Type> AllowedSpawnTypes { get; } = new List<Type>();

    /// <summary>Actor name of the registry's own replicator (<c>replicator.name</c>).</summary>
    public string? ReplicatorName { get; set; }

    /// <summary>The registry's replicator runs on members with this role (<c>replicator.role</c>; the registry's role when empty).</summary>
    public string? ReplicatorRole { get; set; }

    /// <summary>How often the registry's replicator gossips (<c>replicator.gossip-interval</c>).</summary>
    public TimeSpan? ReplicatorGossipInterval { get; set; }

    /// <summary>Buckets per gossip message of the registry's replicator (<c>replicator.max-delta-elements</c>).</summary>
    public int? ReplicatorMaxDeltaElements { get; set; }

    /// <summary>
    /// The spawn kinds <see cref="AkkaHostingExtensions.WithProcessRegistry(AkkaConfigurationBuilder, ProcessRegistryOptions?)"/>
    /// adds on the node (see <see cref="ClusterProcessRegistry.AddKind(string, Func{string, Props}, SpawnKindOptions)"/>).
    /// </summary>
    public IList<ProcessRegistryKind> Kinds { get; } = new List<ProcessRegistryKind>();

    /// <summary>
    /// Adds a spawn kind: <paramref name="factory"/> makes the props of a key's process on the node
    /// that starts it, with Akka.DependencyInjection's resolver (<c>resolver.Props&lt;TActor&gt;(key)</c>),
    /// so only the key and the kind's name travel. With <paramref name="role"/>, the kind's processes
    /// run only on members with that role. Add the same kinds on every node.
    /// </summary>
    public ProcessRegistryOptions AddKind(string name, Func<string, IDependencyResolver, Props> factory, string? role = null) =>
        AddKind(name, factory, new SpawnKindOptions { Role = role });

    /// <summary>
    /// Adds a spawn kind as <see cref="AddKind(string, Func{string, IDependencyResolver, Props}, string?)"/>
    /// does, with the role and durability of <paramref name="options"/> (see <see cref="SpawnKindOptions.Durable"/>).
    /// </summary>
    public ProcessRegistryOptions AddKind(string name, Func<string, IDependencyResolver, Props> factory, SpawnKindOptions options)
    {
        Kinds.Add(new ProcessRegistryKind(name, factory, options));
        return this;
    }

    /// <summary>Adds <typeparamref name="TActor"/> to <see cref="AllowedSpawnTypes"/>.</summary>
    public ProcessRegistryOptions AllowSpawn<TActor>() where TActor : global::Akka.Actor.ActorBase
    {
        AllowedSpawnTypes.Add(typeof(TActor));
        return this;
    }

    /// <summary>The HOCON these options stand for: only the properties that are set.</summary>
    /// <exception cref="ArgumentException"><see cref="ConflictResolver"/> is not an <see cref="IConflictResolver"/>.</exception>
    public string ToHocon()
    {
        if (ConflictResolver is not null && !typeof(IConflictResolver).IsAssignableFrom(ConflictResolver))
            throw new ArgumentException($"{ConflictResolver} does not implement {nameof(IConflictResolver)}.", nameof(ConflictResolver));
        var hocon = new StringBuilder("akka.cluster.process-registry {\n");
        void Line(string path, object? value)
        {
            if (value is null) return;
            var text = value switch
            {
                string s => Quote(s),
                TimeSpan t => $"{(long)t.TotalMilliseconds}ms",
                bool b => b ? "on" : "off",
                IEnumerable<string> list => "[" + string.Join(", ", list.Select(Quote)) + "]",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            hocon.Append("  ").Append(path).Append(" = ").Append(text).Append('\n');
        }
        Line("name", Name);
        Line("role", Role);
        Line("distributed-key-count", DistributedKeyCount);
        Line("max-key-length", MaxKeyLength);
        Line("max-metadata-entries", MaxMetadataEntries);
        Line("max-metadata-bytes", MaxMetadataBytes);
        Line("ask-timeout", AskTimeout);
        Line("sync-interval", SyncInterval);
        Line("broadcast-interval", BroadcastInterval);
        Line("reconcile-interval", ReconcileInterval);
        Line("anti-entropy-interval", AntiEntropyInterval);
        Line("prune-interval", PruneInterval);
        Line("tombstone-time-to-live", TombstoneTimeToLive);
        Line("max-clock-lead", MaxClockLead);
        Line("on-conflict", StopConflictLoser is null ? null : StopConflictLoser.Value ? "stop" : "notify");
        Line("conflict-resolver", ConflictResolver is null ? null
            : ConflictResolver == typeof(KeepNewestResolver) ? "keep-newest"
            : ConflictResolver == typeof(KeepOldestResolver) ? "keep-oldest"
            : ConflictResolver.AssemblyQualifiedName);
        Line("spawn.type-name", SpawnTypeName);
        Line("spawn.role", SpawnRole);
        Line("spawn.number-of-shards", SpawnShards);
        Line("spawn.timeout", SpawnTimeout);
        Line("spawn.attempt-timeout", SpawnAttemptTimeout);
        Line("spawn.batch-interval", SpawnBatchInterval);
        Line("spawn.rebalance.enabled", RebalanceEnabled);
        Line("spawn.rebalance.moves-per-second", RebalanceMovesPerSecond);
        Line("spawn.durable.distributed-key-count", DurableKeyCount);
        Line("spawn.durable.check-interval", DurableCheckInterval);
        Line("spawn.durable.store-directory", DurableStoreDirectory);
        Line("spawn.allowed-types", AllowedSpawnTypes.Count == 0 ? null : AllowedSpawnTypes.Select(ProcessRegistrySettings.AllowedTypeName).ToList());
        Line("replicator.name", ReplicatorName);
        Line("replicator.role", ReplicatorRole);
        Line("replicator.gossip-interval", ReplicatorGossipInterval);
        Line("replicator.max-delta-elements", ReplicatorMaxDeltaElements);
        return hocon.Append("}\n").ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
