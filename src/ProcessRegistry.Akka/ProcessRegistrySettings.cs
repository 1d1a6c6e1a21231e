using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData;

namespace ProcessRegistry.Akka;

/// <summary>
/// Settings of the process registry, read from <c>akka.cluster.process-registry</c>.
/// </summary>
public sealed class ProcessRegistrySettings
{
    private ProcessRegistrySettings(Config config, Config distributedData)
    {
        Name = config.GetString("name");
        Role = config.GetString("role", "");
        DistributedKeyCount = config.GetInt("distributed-key-count");
        MaxKeyLength = config.GetInt("max-key-length");
        MaxMetadataEntries = config.GetInt("max-metadata-entries");
        MaxMetadataBytes = config.GetInt("max-metadata-bytes");
        AskTimeout = config.GetTimeSpan("ask-timeout");
        SyncInterval = config.GetTimeSpan("sync-interval");
        ReconcileInterval = config.GetTimeSpan("reconcile-interval");
        AntiEntropyInterval = config.GetTimeSpan("anti-entropy-interval");
        BroadcastInterval = config.GetTimeSpan("broadcast-interval");
        PruneInterval = config.GetTimeSpan("prune-interval");
        TombstoneTimeToLive = config.GetTimeSpan("tombstone-time-to-live");
        MaxClockLead = config.GetTimeSpan("max-clock-lead");
        StopConflictLoser = config.GetString("on-conflict") switch
        {
            "stop" => true,
            "notify" => false,
            var other => throw new ConfigurationException(
                $"akka.cluster.process-registry.on-conflict must be 'stop' or 'notify', not '{other}'."),
        };
        ConflictResolver = config.GetString("conflict-resolver");
        var spawn = config.GetConfig("spawn");
        SpawnTypeName = spawn.GetString("type-name");
        SpawnRole = spawn.GetString("role", "");
        SpawnShards = spawn.GetInt("number-of-shards");
        SpawnTimeout = spawn.GetTimeSpan("timeout");
        SpawnAttemptTimeout = spawn.GetTimeSpan("attempt-timeout");
        SpawnBatchInterval = spawn.GetTimeSpan("batch-interval");
        SpawnAllowedTypes = spawn.GetStringList("allowed-types").Select(NormalizeTypeName).ToHashSet(StringComparer.Ordinal);
        RebalanceEnabled = spawn.GetBoolean("rebalance.enabled");
        RebalanceMovesPerSecond = spawn.GetInt("rebalance.moves-per-second");
        var durable = spawn.GetConfig("durable");
        DurableKeyCount = durable.GetInt("distributed-key-count");
        DurableCheckInterval = durable.GetTimeSpan("check-interval");
        DurableStoreDirectory = durable.GetString("store-directory", "");
        var replicator = config.GetConfig("replicator");
        if (string.IsNullOrEmpty(replicator.GetString("role", "")))
            replicator = ConfigurationFactory.ParseString($"role = \"{Role}\"").WithFallback(replicator);
        if (DurableStoreDirectory.Length > 0)
            replicator = DurableStorage(DurableStoreDirectory).WithFallback(replicator);
        replicator = replicator.WithFallback(distributedData);
        ReplicatorName = replicator.GetString("name");
        Replicator = ReplicatorSettings.Create(replicator);

        if (DistributedKeyCount < 1)
            throw new ConfigurationException("akka.cluster.process-registry.distributed-key-count must be at least 1.");
        if (MaxClockLead <= TimeSpan.Zero)
            throw new ConfigurationException("akka.cluster.process-registry.max-clock-lead must be positive.");
        if (RebalanceMovesPerSecond < 1)
            throw new ConfigurationException("akka.cluster.process-registry.spawn.rebalance.moves-per-second must be at least 1.");
        if (DurableKeyCount < 1)
            throw new ConfigurationException("akka.cluster.process-registry.spawn.durable.distributed-key-count must be at least 1.");
        if (DurableCheckInterval <= TimeSpan.Zero)
            throw new ConfigurationException("akka.cluster.process-registry.spawn.durable.check-interval must be positive.");
        if (MaxKeyLength < 1)
            throw new ConfigurationException("akka.cluster.process-registry.max-key-length must be at least 1.");
    }

    /// <summary>Name of the registry actor under <c>/system</c>; the same on every node.</summary>
    public string Name { get; }

    /// <summary>The registry runs on members with this role; on all members when empty.</summary>
    public string Role { get; }

    /// <summary>Number of top-level DData keys the entries are spread over.</summary>
    public int DistributedKeyCount { get; }

    /// <summary>Longest accepted key, in UTF-16 characters.</summary>
    public int MaxKeyLength { get; }

    /// <summary>Most metadata labels one entry may carry.</summary>
    public int MaxMetadataEntries { get; }

    /// <summary>Largest summed UTF-8 size of one entry's metadata names and values.</summary>
    public int MaxMetadataBytes { get; }

    /// <summary>How long a registration waits for the owning node's registry actor.</summary>
    public TimeSpan AskTimeout { get; }

    /// <summary>How often a bucket's pending writes go into the replicated data, at most.</summary>
    public TimeSpan SyncInterval { get; }

    /// <summary>While writes keep coming, an owner sends its records to the peers at most this often.</summary>
    public TimeSpan BroadcastInterval { get; }

    /// <summary>How often an owner sends its peers a digest of what it owns, so they can ask for what they missed.</summary>
    public TimeSpan AntiEntropyInterval { get; }

    /// <summary>How often the registry merges what the replicated data holds that no broadcast brought.</summary>
    public TimeSpan ReconcileInterval { get; }

    /// <summary>How often the leader sweeps entries of removed members.</summary>
    public TimeSpan PruneInterval { get; }

    /// <summary>How long a removal tombstone lives before its owner erases it.</summary>
    public TimeSpan TombstoneTimeToLive { get; }

    /// <summary>
    /// How far ahead of this node's wall clock a version from another node may be: a record further
    /// ahead is refused, so no peer can drive a key's version towards its limit.
    /// </summary>
    public TimeSpan MaxClockLead { get; }

    /// <summary>Whether the loser of a name conflict is stopped after being told (<c>on-conflict = stop</c>).</summary>
    public bool StopConflictLoser { get; }

    /// <summary>
    /// <c>keep-newest</c>, <c>keep-oldest</c>, or the assembly-qualified name of an
    /// <see cref="IConflictResolver"/> with a parameterless constructor.
    /// </summary>
    public string ConflictResolver { get; }

    /// <summary>Sharding type name of the spawn-on-demand region.</summary>
    public string SpawnTypeName { get; }

    /// <summary>Processes are spawned on members with this role; on all members when empty.</summary>
    public string SpawnRole { get; }

    /// <summary>Number of shards of the spawn-on-demand region.</summary>
    public int SpawnShards { get; }

    /// <summary>How long <c>GetPid(key, props)</c> waits for the process.</summary>
    public TimeSpan SpawnTimeout { get; }

    /// <summary>How long one request to the spawn region waits before it is sent again.</summary>
    public TimeSpan SpawnAttemptTimeout { get; }

    /// <summary>While spawn requests (or a host's answers) keep coming, a node sends them at most this often, in batches.</summary>
    public TimeSpan SpawnBatchInterval { get; }

    /// <summary>
    /// The actor types <c>GetPid(key, props)</c> may start, as <c>"Namespace.Type, Assembly"</c>
    /// (<c>spawn.allowed-types</c>): a host refuses any other type named on the wire before it
    /// loads the type or reads an argument, and the calling node refuses it at once.
    /// </summary>
    public IReadOnlySet<string> SpawnAllowedTypes { get; }

    /// <summary>Whether nodes move running processes to where placement puts their keys now (<c>spawn.rebalance.enabled</c>).</summary>
    public bool RebalanceEnabled { get; }

    /// <summary>At most this many rebalancing moves per second, per node.</summary>
    public int RebalanceMovesPerSecond { get; }

    /// <summary>Number of DData keys the set of durable keys is spread over (<c>spawn.durable.distributed-key-count</c>).</summary>
    public int DurableKeyCount { get; }

    /// <summary>While a durable key has no live node, how often each node asks for it again.</summary>
    public TimeSpan DurableCheckInterval { get; }

    /// <summary>Where the set of durable keys is kept on disk (LightningDB); empty when it is not.</summary>
    public string DurableStoreDirectory { get; }

    /// <summary>The prefix of the DData keys of the durable set, the registry replicator's only durable keys.</summary>
    internal const string DurableKeyPrefix = "process-registry-durable-set-";

    /// <summary>Actor name of the registry's own replicator under <c>/system</c>.</summary>
    public string ReplicatorName { get; }

    /// <summary>Settings of the registry's own replicator.</summary>
    public ReplicatorSettings Replicator { get; }

    /// <summary>
    /// How <c>spawn.allowed-types</c> names <paramref name="actorType"/>: its full name and its
    /// assembly's simple name, <c>"Namespace.Type, Assembly"</c> (a nested type as <c>"Outer+Inner"</c>).
    /// </summary>
    public static string AllowedTypeName(Type actorType)
    {
        ArgumentNullException.ThrowIfNull(actorType);
        return $"{actorType.FullName}, {actorType.Assembly.GetName().Name}";
    }

    /// <summary>DData's durable storage of the durable set's keys alone, in files under <paramref name="directory"/>.</summary>
    private static Config DurableStorage(string directory) =>
        ConfigurationFactory.ParseString($$"""
            durable.keys = ["{{DurableKeyPrefix}}*"]
            durable.store-actor-class = "ProcessRegistry.Akka.Backstop.FileDurableStore, ProcessRegistry.Akka"
            durable.file.dir = "{{directory.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}}"
            """);

    /// <summary>"Namespace.Type, Assembly": an assembly-qualified name without version, culture or key.</summary>
    private static string NormalizeTypeName(string name)
    {
        var parts = name.Split(',', 3);
        return parts.Length < 2
            ? throw new ConfigurationException($"akka.cluster.process-registry.spawn.allowed-types: '{name}' is not 'Namespace.Type, Assembly'.")
            : $"{parts[0].Trim()}, {parts[1].Trim()}";
    }

    /// <summary>Reads the settings from the system's configuration.</summary>
    public static ProcessRegistrySettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config);
    }

    /// <summary>Reads the settings from a full configuration that contains <c>akka.cluster.process-registry</c>.</summary>
    public static ProcessRegistrySettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var full = config.WithFallback(ClusterProcessRegistry.DefaultConfig()).WithFallback(DistributedData.DefaultConfig());
        return new ProcessRegistrySettings(
            full.GetConfig("akka.cluster.process-registry"),
            full.GetConfig("akka.cluster.distributed-data"));
    }
}
