using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Serialization;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Spawning;

namespace ProcessRegistry.Akka.Serialization;

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
    private const string RecordsChangedManifest = "C";
    private const string OwnerSnapshotManifest = "O";
    private const string UpdateMetadataManifest = "M";
    private const string NotRegisteredManifest = "N";
    private const string SpawnResultsManifest = "P";
    private const string SpawnBatchManifest = "G";
    private const string OwnerDigestManifest = "D";
    private const string SnapshotRequestManifest = "Q";
    private const string BucketManifest = "B";
    private const string FingerprintsManifest = "F";
    private const string BucketCopyManifest = "K";
    private const string RemovalHintsManifest = "H";

    // What a spawn result holds.
    private const byte AskAgainTag = 0, HolderTag = 1, FailedTag = 2;

    // Buckets copied whole (a partition's exchange) can be far bigger than a broadcast: not kept.
    private const int MaxSpareStreamBytes = 256 * 1024;

    // Strict both ways: a lone surrogate is refused rather than written as U+FFFD (the API refuses
    // it first), and bytes that are not UTF-8 fail the message rather than become another key.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [ThreadStatic] private static MemoryStream? _spareStream;

    private readonly ConditionalWeakTable<object, byte[]> _serializedOnce = new();
    private readonly OwnerCache _owners = new();
    private readonly ParentPathCache _parents = new();
    private readonly RemoteRefs _remoteRefs;
    private LocalView? _view;

    public RegistrySerializer(ExtendedActorSystem system) : base(system) => _remoteRefs = new RemoteRefs(system);

    private ProcessRegistrySettings? _settings;

    /// <summary>The registry's settings, read from the system's config (what spawn hosts allow).</summary>
    private ProcessRegistrySettings Settings => _settings ??= ProcessRegistrySettings.Create(system);

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
        RecordsChanged => RecordsChangedManifest,
        RemovalHints => RemovalHintsManifest,
        OwnerSnapshot => OwnerSnapshotManifest,
        UpdateMetadataCommand => UpdateMetadataManifest,
        NotRegistered => NotRegisteredManifest,
        SpawnResults => SpawnResultsManifest,
        SpawnBatch => SpawnBatchManifest,
        OwnerDigest => OwnerDigestManifest,
        SnapshotRequest => SnapshotRequestManifest,
        RegistryBucket => BucketManifest,
        BucketFingerprints => FingerprintsManifest,
        BucketCopy => BucketCopyManifest,
        _ => throw new ArgumentException($"Cannot serialize {o.GetType()} with {nameof(RegistrySerializer)}."),
    };

    public override byte[] ToBinary(object obj) =>
        // One broadcast goes to every peer (each peer's endpoint writer serializes it): the first time is for all.
        obj is RecordsChanged ? _serializedOnce.GetValue(obj, Serialize) : Serialize(obj);

    private byte[] Serialize(object obj)
    {
        // A broadcast runs to 64 KB, and a new stream would grow (copy) its buffer a dozen times
        // on the way; a nested call (props arguments through the system's serializers) takes a new one.
        var stream = _spareStream ?? new MemoryStream();
        _spareStream = null;
        stream.SetLength(0);
        using (var writer = new BinaryWriter(stream, StrictUtf8, leaveOpen: true))
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
                    writer.Write(false); // a forced registration never travels
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
                case RemovalHints hints:
                    WriteRecords(writer, hints.Removals);
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
                    writer.Write(snapshot.Id);
                    writer.Write7BitEncodedInt(snapshot.Part);
                    writer.Write7BitEncodedInt(snapshot.Parts);
                    writer.Write(snapshot.TakenAt);
                    WriteRecords(writer, snapshot.Records);
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
                case SpawnBatch batch:
                    WriteSpawnBatch(writer, batch);
                    break;
                case SpawnResults results:
                    WriteSpawnResults(writer, results.Results);
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
        using var reader = new BinaryReader(new MemoryStream(bytes), StrictUtf8);
        return manifest switch
        {
            EntryRecordManifest => ReadRecord(reader),
            RegisterManifest => ReadRegister(reader),
            UnregisterManifest => new UnregisterCommand(reader.ReadString(), reader.ReadBoolean() ? ReadRef(reader) : null),
            AcceptedManifest => new RegisterAccepted(ReadRecord(reader)),
            TakenManifest => new RegisterTaken(reader.ReadString(), ReadRef(reader)),
            RejectedManifest => new RegisterRejected(reader.ReadString()),
            UnregisterReplyManifest => new UnregisterReply(reader.ReadBoolean(), reader.ReadString(), reader.ReadBoolean() ? ReadRecord(reader) : null),
            RecordsChangedManifest => new RecordsChanged(ReadRecords(reader)),
            UpdateMetadataManifest => ReadUpdateMetadata(reader),
            NotRegisteredManifest => new NotRegistered(reader.ReadString()),
            OwnerSnapshotManifest => new OwnerSnapshot(ReadOwner(reader), reader.ReadInt64(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.ReadInt64(), ReadRecords(reader)),
            RemovalHintsManifest => new RemovalHints(ReadRecords(reader)),
            SpawnBatchManifest => ReadSpawnBatch(reader),
            SpawnResultsManifest => new SpawnResults(ReadSpawnResults(reader)),
            OwnerDigestManifest => new OwnerDigest(ReadOwner(reader), reader.ReadInt32(), reader.ReadInt64()),
            SnapshotRequestManifest => SnapshotRequest.Instance,
            BucketManifest => ReadBucket(reader),
            FingerprintsManifest => new BucketFingerprints(ReadFingerprints(reader)),
            BucketCopyManifest => new BucketCopy(reader.Read7BitEncodedInt(), Answer: reader.ReadBoolean(), Data: ReadBucket(reader)),
            _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(RegistrySerializer)}."),
        };
    }

    /// <summary>
    /// The batch's props shapes first, each once (a batch mostly spawns one kind of actor, and a
    /// type's assembly-qualified name is most of a request), then each request: its key, its
    /// shape's index and its arguments as the props check wrote them.
    /// </summary>
    private static void WriteSpawnBatch(BinaryWriter writer, SpawnBatch batch)
    {
        var shapes = new Dictionary<PropsShape, int>();
        var indexes = new int[batch.Requests.Count];
        for (var i = 0; i < indexes.Length; i++)
        {
            var shape = PropsShape.Of(batch.Requests[i].Props!);
            if (!shapes.TryGetValue(shape, out indexes[i]))
                shapes.Add(shape, indexes[i] = shapes.Count);
        }
        writer.Write7BitEncodedInt(batch.Shard);
        writer.Write7BitEncodedInt(shapes.Count);
        foreach (var shape in shapes.Keys)
            PropsWire.WriteShape(writer, shape);
        writer.Write7BitEncodedInt(indexes.Length);
        for (var i = 0; i < indexes.Length; i++)
        {
            var request = batch.Requests[i];
            writer.Write(request.Key);
            writer.Write7BitEncodedInt(indexes[i]);
            writer.Write7BitEncodedInt(request.Arguments.Length);
            writer.Write(request.Arguments);
        }
    }

    /// <summary>
    /// A batch as the host will act on it: each request's props, or why the host refuses them. A
    /// shape naming a type the host does not allow is refused by name, and its requests' arguments
    /// are never read.
    /// </summary>
    private SpawnBatch ReadSpawnBatch(BinaryReader reader)
    {
        var allowed = Settings.SpawnAllowedTypes;
        var shard = reader.Read7BitEncodedInt();
        var shapes = new (PropsShape? Shape, string? Refusal)[reader.Read7BitEncodedInt()];
        for (var i = 0; i < shapes.Length; i++)
            shapes[i] = (PropsWire.ReadShape(reader, allowed, system, out var refusal), refusal);
        var requests = new SpawnRequest[reader.Read7BitEncodedInt()];
        for (var i = 0; i < requests.Length; i++)
        {
            var key = reader.ReadString();
            var (shape, refusal) = shapes[reader.Read7BitEncodedInt()];
            var arguments = reader.ReadBytes(reader.Read7BitEncodedInt());
            requests[i] = shape is null
                ? new SpawnRequest(key, null, arguments, refusal)
                : arguments.AsSpan().SequenceEqual(PropsWire.NoArguments)
                    ? new SpawnRequest(key, PropsWire.Create(shape.Value, []), PropsWire.NoArguments)
                    : Rebuild(key, shape.Value, arguments);
        }
        return new SpawnBatch(shard, requests);
    }

    private SpawnRequest Rebuild(string key, PropsShape shape, byte[] arguments)
    {
        try
        {
            return new SpawnRequest(key, PropsWire.Create(shape, ReadArguments(arguments)), arguments);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new SpawnRequest(key, null, arguments, $"its constructor arguments could not be read: {ex.Message}");
        }
    }

    private object?[] ReadArguments(byte[] arguments)
    {
        using var reader = new BinaryReader(new MemoryStream(arguments), StrictUtf8);
        return PropsWire.ReadArguments(reader, system.Serialization);
    }

    private void WriteSpawnResults(BinaryWriter writer, IReadOnlyList<SpawnResult> results)
    {
        var records = results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();
        var tables = WriteTables(writer, records.Select(record => record.Owner).Distinct(), records);
        writer.Write7BitEncodedInt(results.Count);
        foreach (var result in results)
        {
            switch (result)
            {
                case { Record: { } record }:
                    writer.Write(HolderTag);
                    WriteRecordFields(writer, record, tables);
                    break;
                case { Failure: { } failure }:
                    writer.Write(FailedTag);
                    writer.Write(result.Key);
                    writer.Write(failure);
                    break;
                default:
                    writer.Write(AskAgainTag);
                    writer.Write(result.Key);
                    break;
            }
        }
    }

    private SpawnResult[] ReadSpawnResults(BinaryReader reader)
    {
        var tables = ReadTables(reader);
        var results = new SpawnResult[reader.Read7BitEncodedInt()];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = reader.ReadByte() switch
            {
                HolderTag => SpawnResult.Holder(ReadRecordFields(reader, tables)),
                FailedTag => SpawnResult.Failed(reader.ReadString(), reader.ReadString()),
                _ => SpawnResult.AskAgain(reader.ReadString()),
            };
        }
        return results;
    }

    private static long[] ReadFingerprints(BinaryReader reader)
    {
        var fingerprints = new long[reader.Read7BitEncodedInt()];
        for (var i = 0; i < fingerprints.Length; i++)
            fingerprints[i] = reader.ReadInt64();
        return fingerprints;
    }

    private RegisterCommand ReadRegister(BinaryReader reader)
    {
        var command = new RegisterCommand(reader.ReadString(), ReadRef(reader), ReadMetadata(reader));
        reader.ReadBoolean(); // what a forced registration would say: never taken from the wire
        return command;
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
    /// Records with tables first: their owners' addresses, and the parents of their pids. A
    /// broadcast or snapshot comes from one owner, and its processes share a few parents (/user, a
    /// spawn shard's host), so each is written, parsed and resolved once per message rather than
    /// once per record.
    /// </summary>
    private void WriteRecords(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records)
    {
        var tables = WriteTables(writer, records.Select(record => record.Owner).Distinct(), records);
        WriteRecordList(writer, records, tables);
    }

    private EntryRecord[] ReadRecords(BinaryReader reader) => ReadRecordList(reader, ReadTables(reader));

    /// <summary>
    /// A bucket is written in one order whatever order its replica holds it in (owners by
    /// address, keys ordinal, parents as their records first name them), because the replicator
    /// compares replicas by a digest of these bytes.
    /// </summary>
    private void WriteBucket(BinaryWriter writer, RegistryBucket bucket)
    {
        var slices = bucket.Slices.OrderBy(pair => pair.Key, Comparer<UniqueAddress>.Default).ToList();
        var tables = WriteTables(writer,
            slices
                .SelectMany(pair => pair.Value.Records.Select(record => record.Owner).Prepend(pair.Key))
                .Concat(bucket.Removed)
                .Distinct()
                .Order(Comparer<UniqueAddress>.Default),
            slices.SelectMany(pair => pair.Value.Records));
        writer.Write7BitEncodedInt(bucket.Removed.Count);
        foreach (var removed in bucket.Removed.Order(Comparer<UniqueAddress>.Default))
            writer.Write7BitEncodedInt(tables.Owners[removed]);
        writer.Write7BitEncodedInt(slices.Count);
        foreach (var (owner, slice) in slices)
        {
            writer.Write7BitEncodedInt(tables.Owners[owner]);
            writer.Write(slice.Version);
            WriteRecordList(writer, slice.Records, tables);
        }
    }

    private RegistryBucket ReadBucket(BinaryReader reader)
    {
        var tables = ReadTables(reader);
        var removed = ImmutableHashSet.CreateBuilder<UniqueAddress>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
            removed.Add(tables.Owners[reader.Read7BitEncodedInt()]);
        var slices = ImmutableDictionary.CreateBuilder<UniqueAddress, OwnerSlice>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
        {
            var owner = tables.Owners[reader.Read7BitEncodedInt()];
            var version = reader.ReadInt64();
            slices[owner] = OwnerSlice.Of(version, ReadRecordList(reader, tables));
        }
        return new RegistryBucket(slices.ToImmutable(), removed.ToImmutable());
    }

    /// <summary>Writes the owners (in the order given) and the distinct parents of the records' owned pids (in record order).</summary>
    private TablesWritten WriteTables(BinaryWriter writer, IEnumerable<UniqueAddress> distinctOwners, IEnumerable<EntryRecord> records)
    {
        var owners = new Dictionary<UniqueAddress, int>();
        foreach (var owner in distinctOwners)
            owners.Add(owner, owners.Count);
        writer.Write7BitEncodedInt(owners.Count);
        foreach (var owner in owners.Keys)
            WriteOwner(writer, owner);

        var parents = new Dictionary<ActorPath, int>(PathElementsComparer.Instance);
        foreach (var record in records)
        {
            if (IsOnOwner(record))
                parents.TryAdd(record.Pid.Path.Parent, parents.Count);
        }
        writer.Write7BitEncodedInt(parents.Count);
        foreach (var parent in parents.Keys)
        {
            var elements = parent.Elements;
            writer.Write7BitEncodedInt(elements.Count);
            foreach (var element in elements)
                writer.Write(element);
        }
        return new TablesWritten(owners, parents);
    }

    private TablesRead ReadTables(BinaryReader reader)
    {
        var owners = new UniqueAddress[reader.Read7BitEncodedInt()];
        for (var i = 0; i < owners.Length; i++)
            owners[i] = ReadOwner(reader);
        var parents = new string[reader.Read7BitEncodedInt()][];
        for (var i = 0; i < parents.Length; i++)
        {
            var elements = parents[i] = new string[reader.Read7BitEncodedInt()];
            for (var e = 0; e < elements.Length; e++)
                elements[e] = reader.ReadString();
        }
        return new TablesRead(owners, parents, _parents);
    }

    /// <summary>Each record names its owner, and its pid's parent, by their indexes in the tables written before it.</summary>
    private void WriteRecordList(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records, TablesWritten tables)
    {
        writer.Write7BitEncodedInt(records.Count);
        foreach (var record in records)
            WriteRecordFields(writer, record, tables);
    }

    private EntryRecord[] ReadRecordList(BinaryReader reader, TablesRead tables)
    {
        var records = new EntryRecord[reader.Read7BitEncodedInt()];
        for (var i = 0; i < records.Length; i++)
            records[i] = ReadRecordFields(reader, tables);
        return records;
    }

    private void WriteRecord(BinaryWriter writer, EntryRecord record) => WriteRecords(writer, [record]);

    private EntryRecord ReadRecord(BinaryReader reader) => ReadRecords(reader)[0];

    /// <summary>
    /// A process lives on its owner's node, so its path is written without the owner's address
    /// (and rebuilt from it) as its parent's index, its name and its uid: shorter records, and no
    /// path parse per record on the reader.
    /// </summary>
    private void WriteRecordFields(BinaryWriter writer, EntryRecord record, TablesWritten tables)
    {
        writer.Write7BitEncodedInt(tables.Owners[record.Owner]);
        writer.Write(record.Key);
        var onOwner = IsOnOwner(record);
        writer.Write(onOwner);
        if (onOwner)
        {
            var path = record.Pid.Path;
            writer.Write7BitEncodedInt(tables.Parents[path.Parent]);
            writer.Write(path.Name);
            writer.Write(path.Uid);
        }
        else
        {
            WriteRef(writer, record.Pid);
        }
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
    private EntryRecord ReadRecordFields(BinaryReader reader, TablesRead tables)
    {
        var owner = tables.Owners[reader.Read7BitEncodedInt()];
        var key = reader.ReadString();
        string? fullPath = null;
        ActorPath? parent = null;
        string? name = null;
        long uid = 0;
        if (reader.ReadBoolean())
        {
            parent = tables.ParentOn(owner.Address, reader.Read7BitEncodedInt());
            name = reader.ReadString();
            uid = reader.ReadInt64();
        }
        else
        {
            fullPath = reader.ReadString();
        }
        var metadata = ReadMetadata(reader);
        var registeredAt = reader.ReadInt64();
        var version = reader.ReadInt64();
        var removed = reader.ReadByte();
        if (View is { } view && view.TryGet(key, out var known) && known.Version == version && known.Owner.Equals(owner))
            return known;
        var pid = parent is null
            ? system.Provider.ResolveActorRef(fullPath!)
            : _remoteRefs.Resolve(new ChildActorPath(parent, name!, uid));
        return new EntryRecord(key, pid, owner, metadata, registeredAt, version,
            removed == 0 ? null : (UnregisterReason)(removed - 1));
    }

    private bool IsOnOwner(EntryRecord record)
    {
        var home = record.Pid is IInternalActorRef { IsLocal: true } ? system.Provider.DefaultAddress : record.Pid.Path.Address;
        return home.Equals(record.Owner.Address);
    }

    private static void WriteOwner(BinaryWriter writer, UniqueAddress owner)
    {
        writer.Write(owner.Address.ToString());
        writer.Write(owner.Uid);
    }

    private UniqueAddress ReadOwner(BinaryReader reader) => _owners.Parse(reader.ReadString(), reader.ReadInt32());

    /// <summary>A message's tables as written: the index of each owner and each parent.</summary>
    private readonly record struct TablesWritten(Dictionary<UniqueAddress, int> Owners, Dictionary<ActorPath, int> Parents);

    /// <summary>A message's tables as read; each parent is resolved (for its owner) once per message.</summary>
    private sealed class TablesRead(UniqueAddress[] owners, string[][] parents, ParentPathCache cache)
    {
        private readonly (Address? Owner, ActorPath? Path)[] _resolved = new (Address?, ActorPath?)[parents.Length];

        public UniqueAddress[] Owners { get; } = owners;

        public ActorPath ParentOn(Address owner, int index)
        {
            var (resolvedFor, path) = _resolved[index];
            if (path is not null && resolvedFor!.Equals(owner)) return path;
            path = cache.ParentOf(owner, parents[index]);
            _resolved[index] = (owner, path);
            return path;
        }
    }

    private static void WriteRef(BinaryWriter writer, IActorRef actorRef) =>
        writer.Write(global::Akka.Serialization.Serialization.SerializedActorPath(actorRef));

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
