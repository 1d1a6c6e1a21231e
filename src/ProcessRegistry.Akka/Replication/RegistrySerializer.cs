using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Serialization;
using ProcessRegistry.Akka.Spawning;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// Compact binary format for the replicated records and the messages registry actors exchange.
/// Records dominate gossip size, so they are written field by field instead of as JSON.
/// </summary>
internal sealed class RegistrySerializer : SerializerWithStringManifest
{
    public const int SerializerId = 7421;

    private const string EntryRecordManifest = "E";
    private const string RegisterManifest = "R";
    private const string UnregisterManifest = "U";
    private const string AcceptedManifest = "A";
    private const string TakenManifest = "T";
    private const string RejectedManifest = "X";
    private const string UnregisterReplyManifest = "Y";
    private const string SpawnRequestManifest = "S";
    private const string RecordsChangedManifest = "C";
    private const string OwnerSnapshotManifest = "O";
    private const string UpdateMetadataManifest = "M";
    private const string NotRegisteredManifest = "N";
    private const string SpawnReplyManifest = "P";
    private const string OwnerDigestManifest = "D";
    private const string SnapshotRequestManifest = "Q";
    private const string BucketManifest = "B";
    private const string FingerprintsManifest = "F";
    private const string BucketCopyManifest = "K";

    // Buckets copied whole (a partition's exchange) can be far bigger than a broadcast: not kept.
    private const int MaxSpareStreamBytes = 256 * 1024;

    [ThreadStatic] private static MemoryStream? _spareStream;

    private readonly ConditionalWeakTable<object, byte[]> _serializedOnce = new();
    private readonly OwnerCache _owners = new();
    private readonly ParentPathCache _parents = new();
    private readonly RemoteRefs _remoteRefs;
    private LocalView? _view;

    public RegistrySerializer(ExtendedActorSystem system) : base(system) => _remoteRefs = new RemoteRefs(system);

    public override int Identifier => SerializerId;

    /// <summary>This node's view, once the registry has started; records already in it are shared, not read twice.</summary>
    private LocalView? View => _view ??= system.GetExtension<ProcessRegistry>()?.View;

    public override string Manifest(object o) => o switch
    {
        EntryRecord => EntryRecordManifest,
        RegisterCommand => RegisterManifest,
        UnregisterCommand => UnregisterManifest,
        RegisterAccepted => AcceptedManifest,
        RegisterTaken => TakenManifest,
        RegisterRejected => RejectedManifest,
        UnregisterReply => UnregisterReplyManifest,
        SpawnRequest => SpawnRequestManifest,
        RecordsChanged => RecordsChangedManifest,
        OwnerSnapshot => OwnerSnapshotManifest,
        UpdateMetadataCommand => UpdateMetadataManifest,
        NotRegistered => NotRegisteredManifest,
        SpawnReply => SpawnReplyManifest,
        OwnerDigest => OwnerDigestManifest,
        SnapshotRequest => SnapshotRequestManifest,
        RegistryBucket => BucketManifest,
        BucketFingerprints => FingerprintsManifest,
        BucketCopy => BucketCopyManifest,
        _ => throw new ArgumentException($"Cannot serialize {o.GetType()} with {nameof(RegistrySerializer)}."),
    };

    public override byte[] ToBinary(object obj) =>
        // One broadcast goes to every peer (each peer's endpoint writer serializes it), and a spawn
        // request is serialized to check its props before it is sent: the first time is for all.
        obj is RecordsChanged or SpawnRequest ? _serializedOnce.GetValue(obj, Serialize) : Serialize(obj);

    private byte[] Serialize(object obj)
    {
        // A broadcast runs to 64 KB, and a new stream would grow (copy) its buffer a dozen times
        // on the way; a nested call (props arguments through the system's serializers) takes a new one.
        var stream = _spareStream ?? new MemoryStream();
        _spareStream = null;
        stream.SetLength(0);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case EntryRecord record:
                    WriteRecord(writer, record);
                    break;
                case RegisterCommand command:
                    writer.Write(command.Key);
                    WriteRef(writer, command.Pid);
                    WriteMetadata(writer, command.Metadata);
                    writer.Write(command.Force);
                    break;
                case UnregisterCommand command:
                    writer.Write(command.Key);
                    writer.Write(command.Pid is not null);
                    if (command.Pid is not null) WriteRef(writer, command.Pid);
                    break;
                case RegisterAccepted accepted:
                    WriteRecord(writer, accepted.Record);
                    break;
                case RegisterTaken taken:
                    writer.Write(taken.Key);
                    WriteRef(writer, taken.Holder);
                    break;
                case RegisterRejected rejected:
                    writer.Write(rejected.Reason);
                    break;
                case UnregisterReply reply:
                    writer.Write(reply.Removed);
                    writer.Write(reply.Key);
                    writer.Write(reply.Tombstone is not null);
                    if (reply.Tombstone is not null) WriteRecord(writer, reply.Tombstone);
                    break;
                case RecordsChanged changed:
                    WriteRecords(writer, changed.Records);
                    break;
                case UpdateMetadataCommand update:
                    writer.Write(update.Key);
                    writer.Write7BitEncodedInt(update.Changes.Count);
                    foreach (var (name, value) in update.Changes)
                    {
                        writer.Write(name);
                        writer.Write(value is not null);
                        if (value is not null) writer.Write(value);
                    }
                    break;
                case NotRegistered notRegistered:
                    writer.Write(notRegistered.Key);
                    break;
                case OwnerSnapshot snapshot:
                    WriteOwner(writer, snapshot.Owner);
                    writer.Write(snapshot.TakenAt);
                    writer.Write(snapshot.Last);
                    WriteRecords(writer, snapshot.Records);
                    break;
                case SpawnRequest request:
                    writer.Write(request.Key);
                    PropsWire.Write(writer, request.Props, system.Serialization);
                    break;
                case OwnerDigest digest:
                    WriteOwner(writer, digest.Owner);
                    writer.Write(digest.Count);
                    writer.Write(digest.Checksum);
                    break;
                case SnapshotRequest:
                    break;
                case RegistryBucket bucket:
                    WriteBucket(writer, bucket);
                    break;
                case BucketFingerprints fingerprints:
                    writer.Write7BitEncodedInt(fingerprints.Fingerprints.Length);
                    foreach (var fingerprint in fingerprints.Fingerprints)
                        writer.Write(fingerprint);
                    break;
                case BucketCopy copy:
                    writer.Write7BitEncodedInt(copy.Bucket);
                    writer.Write(copy.Answer);
                    WriteBucket(writer, copy.Data);
                    break;
                case SpawnReply reply:
                    writer.Write(reply.Key);
                    writer.Write(reply.Pid is not null);
                    if (reply.Pid is not null) WriteRef(writer, reply.Pid);
                    break;
                default:
                    throw new ArgumentException($"Cannot serialize {obj.GetType()} with {nameof(RegistrySerializer)}.");
            }
        }
        var bytes = stream.ToArray();
        if (stream.Capacity <= MaxSpareStreamBytes)
            _spareStream = stream;
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            EntryRecordManifest => ReadRecord(reader),
            RegisterManifest => new RegisterCommand(reader.ReadString(), ReadRef(reader), ReadMetadata(reader), reader.ReadBoolean()),
            UnregisterManifest => new UnregisterCommand(reader.ReadString(), reader.ReadBoolean() ? ReadRef(reader) : null),
            AcceptedManifest => new RegisterAccepted(ReadRecord(reader)),
            TakenManifest => new RegisterTaken(reader.ReadString(), ReadRef(reader)),
            RejectedManifest => new RegisterRejected(reader.ReadString()),
            UnregisterReplyManifest => new UnregisterReply(reader.ReadBoolean(), reader.ReadString(), reader.ReadBoolean() ? ReadRecord(reader) : null),
            RecordsChangedManifest => new RecordsChanged(ReadRecords(reader)),
            UpdateMetadataManifest => ReadUpdateMetadata(reader),
            NotRegisteredManifest => new NotRegistered(reader.ReadString()),
            OwnerSnapshotManifest => new OwnerSnapshot(ReadOwner(reader), reader.ReadInt64(), Last: reader.ReadBoolean(), Records: ReadRecords(reader)),
            SpawnRequestManifest => new SpawnRequest(reader.ReadString(), PropsWire.Read(reader, system.Serialization)),
            SpawnReplyManifest => new SpawnReply(reader.ReadString(), reader.ReadBoolean() ? ReadRef(reader) : null),
            OwnerDigestManifest => new OwnerDigest(ReadOwner(reader), reader.ReadInt32(), reader.ReadInt64()),
            SnapshotRequestManifest => SnapshotRequest.Instance,
            BucketManifest => ReadBucket(reader),
            FingerprintsManifest => new BucketFingerprints(ReadFingerprints(reader)),
            BucketCopyManifest => new BucketCopy(reader.Read7BitEncodedInt(), Answer: reader.ReadBoolean(), Data: ReadBucket(reader)),
            _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(RegistrySerializer)}."),
        };
    }

    private static long[] ReadFingerprints(BinaryReader reader)
    {
        var fingerprints = new long[reader.Read7BitEncodedInt()];
        for (var i = 0; i < fingerprints.Length; i++)
            fingerprints[i] = reader.ReadInt64();
        return fingerprints;
    }

    private static UpdateMetadataCommand ReadUpdateMetadata(BinaryReader reader)
    {
        var key = reader.ReadString();
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var count = reader.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            changes[name] = reader.ReadBoolean() ? reader.ReadString() : null;
        }
        return new UpdateMetadataCommand(key, changes);
    }

    /// <summary>
    /// Records with a table of their owners first: a broadcast or snapshot comes from one owner,
    /// so its address is written (and parsed) once per message instead of once per record.
    /// </summary>
    private void WriteRecords(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records)
    {
        var owners = WriteOwnerTable(writer, records.Select(record => record.Owner).Distinct());
        WriteRecordList(writer, records, owners);
    }

    private EntryRecord[] ReadRecords(BinaryReader reader) => ReadRecordList(reader, ReadOwnerTable(reader));

    /// <summary>
    /// A bucket is written in one order whatever order its replica holds it in (owners by
    /// address, keys ordinal), because the replicator compares replicas by a digest of these bytes.
    /// </summary>
    private void WriteBucket(BinaryWriter writer, RegistryBucket bucket)
    {
        var slices = bucket.Slices.OrderBy(pair => pair.Key, Comparer<UniqueAddress>.Default).ToList();
        var owners = WriteOwnerTable(writer, slices
            .SelectMany(pair => pair.Value.Records.Select(record => record.Owner).Prepend(pair.Key))
            .Concat(bucket.Removed)
            .Distinct()
            .Order(Comparer<UniqueAddress>.Default));
        writer.Write7BitEncodedInt(bucket.Removed.Count);
        foreach (var removed in bucket.Removed.Order(Comparer<UniqueAddress>.Default))
            writer.Write7BitEncodedInt(owners[removed]);
        writer.Write7BitEncodedInt(slices.Count);
        foreach (var (owner, slice) in slices)
        {
            writer.Write7BitEncodedInt(owners[owner]);
            writer.Write(slice.Version);
            WriteRecordList(writer, slice.Records, owners);
        }
    }

    private RegistryBucket ReadBucket(BinaryReader reader)
    {
        var owners = ReadOwnerTable(reader);
        var removed = ImmutableHashSet.CreateBuilder<UniqueAddress>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
            removed.Add(owners[reader.Read7BitEncodedInt()]);
        var slices = ImmutableDictionary.CreateBuilder<UniqueAddress, OwnerSlice>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
        {
            var owner = owners[reader.Read7BitEncodedInt()];
            var version = reader.ReadInt64();
            slices[owner] = OwnerSlice.Of(version, ReadRecordList(reader, owners));
        }
        return new RegistryBucket(slices.ToImmutable(), removed.ToImmutable());
    }

    private static Dictionary<UniqueAddress, int> WriteOwnerTable(BinaryWriter writer, IEnumerable<UniqueAddress> distinctOwners)
    {
        var owners = new Dictionary<UniqueAddress, int>();
        foreach (var owner in distinctOwners)
            owners.Add(owner, owners.Count);
        writer.Write7BitEncodedInt(owners.Count);
        foreach (var owner in owners.Keys)
            WriteOwner(writer, owner);
        return owners;
    }

    private UniqueAddress[] ReadOwnerTable(BinaryReader reader)
    {
        var owners = new UniqueAddress[reader.Read7BitEncodedInt()];
        for (var i = 0; i < owners.Length; i++)
            owners[i] = ReadOwner(reader);
        return owners;
    }

    /// <summary>Each record names its owner by its index in the owner table written before it.</summary>
    private void WriteRecordList(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records, Dictionary<UniqueAddress, int> owners)
    {
        writer.Write7BitEncodedInt(records.Count);
        foreach (var record in records)
        {
            writer.Write7BitEncodedInt(owners[record.Owner]);
            WriteRecordFields(writer, record);
        }
    }

    private EntryRecord[] ReadRecordList(BinaryReader reader, UniqueAddress[] owners)
    {
        var records = new EntryRecord[reader.Read7BitEncodedInt()];
        for (var i = 0; i < records.Length; i++)
            records[i] = ReadRecordFields(reader, owners[reader.Read7BitEncodedInt()]);
        return records;
    }

    private void WriteRecord(BinaryWriter writer, EntryRecord record)
    {
        WriteOwner(writer, record.Owner);
        WriteRecordFields(writer, record);
    }

    private EntryRecord ReadRecord(BinaryReader reader) => ReadRecordFields(reader, ReadOwner(reader));

    private void WriteRecordFields(BinaryWriter writer, EntryRecord record)
    {
        writer.Write(record.Key);
        WriteOwnedRef(writer, record.Pid, record.Owner.Address);
        WriteMetadata(writer, record.Metadata);
        writer.Write(record.RegisteredAtTicks);
        writer.Write(record.Version);
        writer.Write(record.RemovedBecause is { } reason ? (byte)(reason + 1) : (byte)0);
    }

    /// <summary>
    /// A record this node's view already holds (the same owner and version: an owner writes a
    /// version of a key once) is that very instance, not a copy: DData gossip and snapshots mostly
    /// bring records the broadcasts already did, and the view and the replica then share them.
    /// </summary>
    private EntryRecord ReadRecordFields(BinaryReader reader, UniqueAddress owner)
    {
        var key = reader.ReadString();
        var path = ReadOwnedPath(reader);
        var metadata = ReadMetadata(reader);
        var registeredAt = reader.ReadInt64();
        var version = reader.ReadInt64();
        var removed = reader.ReadByte();
        if (View is { } view && view.TryGet(key, out var known) && known.Version == version && known.Owner.Equals(owner))
            return known;
        return new EntryRecord(key, Resolve(path, owner.Address), owner, metadata, registeredAt, version,
            removed == 0 ? null : (UnregisterReason)(removed - 1));
    }

    private static void WriteOwner(BinaryWriter writer, UniqueAddress owner)
    {
        writer.Write(owner.Address.ToString());
        writer.Write(owner.Uid);
    }

    private UniqueAddress ReadOwner(BinaryReader reader) => _owners.Parse(reader.ReadString(), reader.ReadInt32());

    /// <summary>
    /// A process lives on its owner's node, so its path is written without the owner's address
    /// (and rebuilt from it): shorter records, and no full path parse per record on the reader.
    /// </summary>
    private void WriteOwnedRef(BinaryWriter writer, IActorRef pid, Address owner)
    {
        var home = pid is IInternalActorRef { IsLocal: true } ? system.Provider.DefaultAddress : pid.Path.Address;
        var onOwner = home.Equals(owner);
        writer.Write(onOwner);
        if (!onOwner)
        {
            WriteRef(writer, pid);
            return;
        }
        var elements = pid.Path.Elements;
        writer.Write7BitEncodedInt(elements.Count);
        foreach (var element in elements)
            writer.Write(element);
        writer.Write(pid.Path.Uid);
    }

    private static OwnedPath ReadOwnedPath(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
            return new OwnedPath(reader.ReadString(), null, 0);
        var elements = new string[reader.Read7BitEncodedInt()];
        for (var i = 0; i < elements.Length; i++)
            elements[i] = reader.ReadString();
        return new OwnedPath(null, elements, reader.ReadInt64());
    }

    private IActorRef Resolve(OwnedPath path, Address owner) => path.Elements is null
        ? system.Provider.ResolveActorRef(path.FullPath!)
        : _remoteRefs.Resolve(_parents.PathOf(owner, path.Elements, path.Uid));

    /// <summary>A pid as written: its full path, or its elements and uid on the record's owner.</summary>
    private readonly record struct OwnedPath(string? FullPath, string[]? Elements, long Uid);

    private static void WriteRef(BinaryWriter writer, IActorRef actorRef) =>
        writer.Write(Serialization.SerializedActorPath(actorRef));

    private IActorRef ReadRef(BinaryReader reader) => system.Provider.ResolveActorRef(reader.ReadString());

    private static void WriteMetadata(BinaryWriter writer, ImmutableDictionary<string, string> metadata)
    {
        writer.Write7BitEncodedInt(metadata.Count);
        // Sorted: a record inside a bucket must serialize to the same bytes on every replica.
        foreach (var (name, value) in metadata.Count < 2 ? metadata : metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal).AsEnumerable())
        {
            writer.Write(name);
            writer.Write(value);
        }
    }

    private static ImmutableDictionary<string, string> ReadMetadata(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        if (count == 0) return ImmutableDictionary<string, string>.Empty;
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            builder[reader.ReadString()] = reader.ReadString();
        }
        return builder.ToImmutable();
    }
}
