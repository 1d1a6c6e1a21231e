using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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

    // An IActorRef, or a PeerPid until something reads Pid. A reader that builds the ref swaps it
    // in; two readers racing build equal refs, and either may win.
    private object _pid = Pid;

    /// <summary>A record read from another node's message, its pid left in parts until first read.</summary>
    public EntryRecord(string key, PeerPid pid, UniqueAddress owner, ImmutableDictionary<string, string> metadata,
        long registeredAtTicks, long version, UnregisterReason? removedBecause)
        : this(key, ActorRefs.Nobody, owner, metadata, registeredAtTicks, version, removedBecause) => _pid = pid;

    public IActorRef Pid
    {
        get => _pid is PeerPid parts ? BuildPid(parts) : Unsafe.As<IActorRef>(_pid);
        init => _pid = value;
    }

    /// <summary>The pid's parts while no one has read it; null once built, or when it was never in parts.</summary>
    public PeerPid? PidParts => _pid as PeerPid;

    /// <summary>
    /// Its pid is a process of this node that already stopped. Never true of pids in parts: those
    /// are other nodes' processes, which their owners check.
    /// </summary>
    public bool PidKnownDead => _pid is not PeerPid && Processes.IsKnownDead(Unsafe.As<IActorRef>(_pid));

    /// <summary>Its pid is a process of this node.</summary>
    public bool PidIsLocal => _pid is not PeerPid && Processes.IsLocal(Unsafe.As<IActorRef>(_pid));

    /// <summary>The address of the node its pid lives on.</summary>
    public Address PidAddress => _pid is PeerPid parts ? parts.Parent.Address : Unsafe.As<IActorRef>(_pid).Path.Address;

    /// <summary>Whether both records name the same process, without building pids kept in parts.</summary>
    public bool SamePid(EntryRecord other) =>
        _pid is PeerPid mine && other._pid is PeerPid theirs ? mine.SameAs(theirs) : Pid.Equals(other.Pid);

    /// <summary>Equal fields, the pids compared as processes whether built or in parts.</summary>
    public bool Equals(EntryRecord? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (Key == other.Key && Version == other.Version && RegisteredAtTicks == other.RegisteredAtTicks &&
             _removedBecause == other._removedBecause && Owner.Equals(other.Owner) &&
             ReferenceEquals(Metadata, other.Metadata) && SamePid(other)));

    public override int GetHashCode() => HashCode.Combine(Key, Owner, Version);

    private IActorRef BuildPid(PeerPid parts)
    {
        var pid = parts.Build();
        Volatile.Write(ref _pid, pid);
        return pid;
    }

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
