using Akka.DistributedData;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// LWW clock that stamps a register with its record's own version, so the CRDT's last-writer
/// order and the versions the registry compares are one and the same.
/// </summary>
internal static class VersionClock
{
    public static readonly Clock<EntryRecord> Instance = (_, record) => record.Version;
}
