using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The value replicated for one key, and what this node's view holds for it: one instance serves
/// the view, the replicated bucket and the owner's books. A live record maps the key to a
/// process; a tombstone (RemovedBecause set) tells every replica why the key went, until its
/// owner erases it. An owner writes each version of a key once, so owner and version name a
/// record's whole content.
/// </summary>
internal sealed record EntryRecord(
    string Key,
    IActorRef Pid,
    UniqueAddress Owner,
    ImmutableDictionary<string, string> Metadata,
    long RegisteredAtTicks,
    long Version,
    UnregisterReason? RemovedBecause) : IReplicatedRecord
{
    /// <summary>
    /// The key's <see cref="Registry.KeyHash"/>, kept so the view can pass over other keys' records without reading
    /// their keys. A record never gets another key through <c>with</c>: make a new record instead.
    /// </summary>
    public int KeyHash { get; } = Registry.KeyHash.Of(Key);

    // A byte, not a nullable enum (8 bytes): with the key hash it keeps a record at 72 bytes, and
    // every node holds one record per entry.
    private readonly byte _removedBecause = Encode(RemovedBecause);

    public UnregisterReason? RemovedBecause
    {
        get => _removedBecause == 0 ? null : (UnregisterReason)(_removedBecause - 1);
        init => _removedBecause = Encode(value);
    }

    public bool IsLive => _removedBecause == 0;

    /// <summary>An upper estimate of its serialized size, to keep messages of many records below the frame size.</summary>
    public int EstimatedWireSize => 2 * Key.Length + 256 + Metadata.Sum(pair => 2 * (pair.Key.Length + pair.Value.Length));

    public RegistryEntry ToEntry() =>
        new(Key, Pid, Owner.Address, Metadata, new DateTimeOffset(RegisteredAtTicks, TimeSpan.Zero)) { Version = Version };

    private static byte Encode(UnregisterReason? reason) => reason is { } removed ? (byte)(removed + 1) : (byte)0;

    /// <summary>
    /// The removal of this record. A conflict's tombstone keeps the metadata: the other owner runs
    /// the resolver on the entry it stands for, and must see what this node's resolver saw.
    /// </summary>
    public EntryRecord AsTombstone(UnregisterReason reason, long version) =>
        this with
        {
            RemovedBecause = reason,
            Version = version,
            Metadata = reason == UnregisterReason.ConflictLost ? Metadata : ImmutableDictionary<string, string>.Empty,
        };
}
