using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The value replicated for one key. A live record maps the key to a process; a tombstone
/// (RemovedBecause set) tells every replica why the key went, until its owner erases it.
/// Version is also the LWW timestamp the record was written with, so comparing versions
/// orders records exactly as the CRDT does.
/// </summary>
internal sealed record EntryRecord(
    IActorRef Pid,
    UniqueAddress Owner,
    ImmutableDictionary<string, string> Metadata,
    long RegisteredAtTicks,
    long Version,
    UnregisterReason? RemovedBecause)
{
    public bool IsLive => RemovedBecause is null;

    public RegistryEntry ToEntry(string key) =>
        new(key, Pid, Owner.Address, Metadata, new DateTimeOffset(RegisteredAtTicks, TimeSpan.Zero)) { Version = Version };

    public EntryRecord AsTombstone(UnregisterReason reason, long version) =>
        this with { RemovedBecause = reason, Version = version, Metadata = ImmutableDictionary<string, string>.Empty };
}
