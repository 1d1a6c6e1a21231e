using Akka.Cluster;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// What a registry record from another node must look like beyond its owner and version (which
/// the replication gate checks): a key and metadata within the limits, a registration time no
/// further ahead than max-clock-lead, and a process that lives on its owner.
/// </summary>
internal sealed class EntryRules(UniqueAddress self, ProcessRegistrySettings settings)
{
    /// <summary>What is wrong with the record, given the owner it claims and the newest time it may carry; null when nothing is.</summary>
    // Records read from one message share their pids' parents, so the reference comparison
    // settles almost every record without comparing addresses field by field.
    public string? Problem(EntryRecord record, UniqueAddress owner, long latest)
    {
        if (KeyLimits.Violation(record.Key, settings) is { } key) return key;
        if (record.RegisteredAtTicks < 0 || record.RegisteredAtTicks > Math.Min(latest, DateTime.MaxValue.Ticks))
            return $"its registration time {record.RegisteredAtTicks} is not between 0 and this node's clock plus max-clock-lead";
        if (!owner.Equals(self) && record.PidAddress is var home && !ReferenceEquals(home, owner.Address) && !home.Equals(owner.Address))
            return $"its process {record.Pid.Path} does not live on its owner";
        if (record.Metadata.Count > 0 && MetadataLimits.Violation(record.Metadata!, settings) is { } metadata) return metadata;
        return null;
    }
}
