using System.Globalization;
using System.Text;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>
/// Options for <see cref="AkkaHostingExtensions.WithProcessRegistry"/>. Every property is
/// optional: only the ones you set become HOCON, the rest keep the values of
/// <c>akka.cluster.process-registry</c> in the library's reference config.
/// </summary>
public sealed class ProcessRegistryOptions
{
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

    /// <summary>Whether the loser of a conflict is stopped (true, <c>on-conflict = stop</c>) or only told.</summary>
    public bool? StopConflictLoser { get; set; }

    /// <summary>An <see cref="IConflictResolver"/> with a parameterless constructor (<c>conflict-resolver</c>).</summary>
    public Type? ConflictResolver { get; set; }

    /// <summary>Keep the oldest registration instead of the newest in a conflict.</summary>
    public bool? KeepOldest { get; set; }

    /// <summary>How often pending writes go into the replicated data (<c>sync-interval</c>).</summary>
    public TimeSpan? SyncInterval { get; set; }

    /// <summary>Processes are spawned on members with this role (<c>spawn.role</c>).</summary>
    public string? SpawnRole { get; set; }

    /// <summary>How long <c>GetPid(key, props)</c> waits (<c>spawn.timeout</c>).</summary>
    public TimeSpan? SpawnTimeout { get; set; }

    /// <summary>
    /// Actor types <c>GetPid(key, props)</c> may start (<c>spawn.allowed-types</c>); when any is
    /// listed, the list replaces the config's. List the same types on every node.
    /// </summary>
    public IList<Type> AllowedSpawnTypes { get; } = new List<Type>();

    /// <summary>Adds <typeparamref name="TActor"/> to <see cref="AllowedSpawnTypes"/>.</summary>
    public ProcessRegistryOptions AllowSpawn<TActor>() where TActor : global::Akka.Actor.ActorBase
    {
        AllowedSpawnTypes.Add(typeof(TActor));
        return this;
    }

    /// <summary>The HOCON these options stand for: only the properties that are set.</summary>
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
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            hocon.Append("  ").Append(path).Append(" = ").Append(text).Append('\n');
        }
        Line("role", Role);
        Line("distributed-key-count", DistributedKeyCount);
        Line("max-key-length", MaxKeyLength);
        Line("max-metadata-entries", MaxMetadataEntries);
        Line("max-metadata-bytes", MaxMetadataBytes);
        Line("on-conflict", StopConflictLoser is null ? null : StopConflictLoser.Value ? "stop" : "notify");
        Line("conflict-resolver", ConflictResolver?.AssemblyQualifiedName ?? (KeepOldest == true ? "keep-oldest" : KeepOldest == false ? "keep-newest" : null));
        Line("sync-interval", SyncInterval);
        Line("spawn.role", SpawnRole);
        Line("spawn.timeout", SpawnTimeout);
        if (AllowedSpawnTypes.Count > 0)
            hocon.Append("  spawn.allowed-types = [")
                .AppendJoin(", ", AllowedSpawnTypes.Select(type => Quote(ProcessRegistrySettings.AllowedTypeName(type))))
                .Append("]\n");
        return hocon.Append("}\n").ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
