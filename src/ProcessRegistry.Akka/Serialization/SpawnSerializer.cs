using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// Spawning's wire format: batches of spawn requests to a shard's host, the starts a host places
/// on a node's agent, and the answers. A node reads only the actor types its settings allow
/// (<c>spawn.allowed-types</c>): any other type name is refused before it is loaded.
/// </summary>
internal sealed class SpawnSerializer(ExtendedActorSystem system) : RegistrySerializerBase(system)
{
    public const int SerializerId = 7423;

    private const string SpawnResultsManifest = "P";
    private const string SpawnBatchManifest = "G";
    private const string StartBatchManifest = "S";
    private const string KeysMovingManifest = "M";
    private const string KeysMovingSeenManifest = "m";
    private const string PrepareSuccessorsManifest = "R";
    private const string SuccessorsReadyManifest = "r";
    private const string RegisterSuccessorsManifest = "T";
    private const string DurableBucketManifest = "D";

    // How a request names what to start.
    private const byte PropsTag = 0, KindTag = 1, RevivalTag = 2;

    // What a spawn result holds.
    private const byte AskAgainTag = 0, HolderTag = 1, FailedTag = 2;

    private ProcessRegistrySettings? _settings;

    public override int Identifier => SerializerId;

    /// <summary>The registry's settings, read from the system's config (what spawn hosts allow).</summary>
    private ProcessRegistrySettings Settings => _settings ??= ProcessRegistrySettings.Create(system);

    public override string Manifest(object o) => o switch
    {
        SpawnResults => SpawnResultsManifest,
        SpawnBatch => SpawnBatchManifest,
        StartBatch => StartBatchManifest,
        KeysMoving => KeysMovingManifest,
        KeysMovingSeen => KeysMovingSeenManifest,
        PrepareSuccessors => PrepareSuccessorsManifest,
        SuccessorsReady => SuccessorsReadyManifest,
        RegisterSuccessors => RegisterSuccessorsManifest,
        DurableBucket => DurableBucketManifest,
        _ => throw CannotSerialize(o),
    };

    protected override void Write(BinaryWriter writer, object obj)
    {
        switch (obj)
        {
            case SpawnBatch batch:
                writer.Write7BitEncodedInt(batch.Shard);
                WriteRequests(writer, batch.Requests);
                break;
            case StartBatch batch:
                WriteStartBatch(writer, batch);
                break;
            case SpawnResults results:
                WriteSpawnResults(writer, results.Results);
                break;
            case KeysMoving moving:
                WriteList(writer, moving.Keys, writer.Write);
                break;
            case KeysMovingSeen:
                break;
            case PrepareSuccessors prepare:
                WriteList(writer, prepare.Keys, key =>
                {
                    writer.Write(key.Key);
                    writer.Write(key.Kind);
                });
                break;
            case SuccessorsReady ready:
                WriteList(writer, ready.Successors, successor =>
                {
                    writer.Write(successor.Key);
                    RecordFormat.WriteRef(writer, successor.Successor);
                });
                break;
            case RegisterSuccessors register:
                WriteList(writer, register.Keys, key =>
                {
                    writer.Write(key.Key);
                    writer.Write(key.Over);
                });
                break;
            case DurableBucket bucket:
                WriteDurableBucket(writer, bucket);
                break;
            default:
                throw CannotSerialize(obj);
        }
    }

    protected override object Read(BinaryReader reader, string manifest) => manifest switch
    {
        SpawnBatchManifest => new SpawnBatch(reader.Read7BitEncodedInt(), ReadRequests(reader)),
        StartBatchManifest => ReadStartBatch(reader),
        SpawnResultsManifest => new SpawnResults(ReadSpawnResults(reader)),
        KeysMovingManifest => new KeysMoving(ReadList(reader, reader.ReadString)),
        KeysMovingSeenManifest => KeysMovingSeen.Instance,
        PrepareSuccessorsManifest => new PrepareSuccessors(ReadList(reader, () => (reader.ReadString(), reader.ReadString()))),
        SuccessorsReadyManifest => new SuccessorsReady(ReadList(reader, () => (reader.ReadString(), Records.ReadRef(reader)))),
        RegisterSuccessorsManifest => new RegisterSuccessors(ReadList(reader, () => (reader.ReadString(), reader.ReadInt64()))),
        DurableBucketManifest => ReadDurableBucket(reader),
        _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(SpawnSerializer)}."),
    };

    /// <summary>
    /// Nodes in address order and keys ordinal, whatever order a replica holds them in: the
    /// replicator compares replicas by a digest of these bytes. Keys and kinds are read as any
    /// strings; the keeper ignores entries that are not well formed (any member can write them).
    /// </summary>
    private static void WriteDurableBucket(BinaryWriter writer, DurableBucket bucket)
    {
        WriteList(writer, bucket.Retired.Order(Comparer<UniqueAddress>.Default).ToList(), node => RecordFormat.WriteOwner(writer, node));
        WriteList(writer, bucket.Slices.OrderBy(pair => pair.Key, Comparer<UniqueAddress>.Default).ToList(), pair =>
        {
            RecordFormat.WriteOwner(writer, pair.Key);
            writer.Write(pair.Value.Version);
            WriteList(writer, pair.Value.Entries.ToList(), entry =>
            {
                writer.Write(entry.Key);
                writer.Write(entry.Value.Kind);
                writer.Write(entry.Value.Running);
            });
        });
    }

    private DurableBucket ReadDurableBucket(BinaryReader reader)
    {
        var retired = ReadList(reader, () => Records.ReadOwner(reader)).ToImmutableHashSet();
        var slices = ReadList(reader, () =>
        {
            var node = Records.ReadOwner(reader);
            var version = reader.ReadInt64();
            var entries = ReadList(reader, () => (Key: reader.ReadString(), Entry: new DurableSlice.Entry(reader.ReadString(), reader.ReadBoolean())));
            var sorted = ImmutableSortedDictionary.CreateBuilder<string, DurableSlice.Entry>(StringComparer.Ordinal);
            foreach (var (key, entry) in entries)
                sorted[key] = entry;
            return KeyValuePair.Create(node, new DurableSlice(version, sorted.ToImmutable()));
        });
        return new DurableBucket(ImmutableDictionary.CreateRange(slices.DistinctBy(pair => pair.Key)), retired);
    }

    private static void WriteList<T>(BinaryWriter writer, IReadOnlyList<T> items, Action<T> write)
    {
        writer.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
            write(item);
    }

    /// <summary>A count, then that many items; a count larger than what is left of the payload is refused before anything is allocated.</summary>
    private static T[] ReadList<T>(BinaryReader reader, Func<T> read)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new SerializationException($"A list of {count} items cannot fit in what is left of the message.");
        var items = new T[count];
        for (var i = 0; i < count; i++)
            items[i] = read();
        return items;
    }

    /// <summary>
    /// The requests' props shapes first, each once (a batch mostly spawns one kind of actor, and a
    /// type's assembly-qualified name is most of a request), then each request: its key, and either
    /// its shape's index and its arguments as the props check wrote them, or its kind's name.
    /// </summary>
    private static void WriteRequests(BinaryWriter writer, IReadOnlyList<SpawnRequest> requests)
    {
        var shapes = new Dictionary<PropsShape, int>();
        var indexes = new int[requests.Count];
        for (var i = 0; i < indexes.Length; i++)
        {
            if (requests[i].Kind is not null) continue;
            var shape = PropsShape.Of(requests[i].Props!);
            if (!shapes.TryGetValue(shape, out indexes[i]))
                shapes.Add(shape, indexes[i] = shapes.Count);
        }
        writer.Write7BitEncodedInt(shapes.Count);
        foreach (var shape in shapes.Keys)
            PropsWire.WriteShape(writer, shape);
        writer.Write7BitEncodedInt(indexes.Length);
        for (var i = 0; i < indexes.Length; i++)
        {
            var request = requests[i];
            writer.Write(request.Key);
            if (request.Kind is { } kind)
            {
                writer.Write(request.Revival ? RevivalTag : KindTag);
                writer.Write(kind);
                continue;
            }
            writer.Write(PropsTag);
            writer.Write7BitEncodedInt(indexes[i]);
            writer.Write7BitEncodedInt(request.Arguments.Length);
            writer.Write(request.Arguments);
        }
    }

    /// <summary>
    /// Requests as a node will act on them: each request's props, or why the node refuses them. A
    /// shape naming a type the node does not allow is refused by name, and its requests' arguments
    /// are never read; a kind is carried by name, and resolved where the process starts.
    /// </summary>
    private SpawnRequest[] ReadRequests(BinaryReader reader)
    {
        var allowed = Settings.SpawnAllowedTypes;
        var shapes = new (PropsShape? Shape, string? Refusal)[reader.Read7BitEncodedInt()];
        for (var i = 0; i < shapes.Length; i++)
            shapes[i] = (PropsWire.ReadShape(reader, allowed, system, out var refusal), refusal);
        var requests = new SpawnRequest[reader.Read7BitEncodedInt()];
        for (var i = 0; i < requests.Length; i++)
        {
            var key = reader.ReadString();
            var tag = reader.ReadByte();
            if (tag is KindTag or RevivalTag)
            {
                var kind = reader.ReadString();
                requests[i] = SpawnKinds.NameProblem(kind) is { } problem
                    ? new SpawnRequest(key, null, PropsWire.NoArguments, problem)
                    : tag == RevivalTag ? SpawnRequest.Revive(key, kind) : SpawnRequest.OfKind(key, kind);
                continue;
            }
            if (tag != PropsTag)
                throw new SerializationException($"Unknown request tag {tag} for key '{WellFormedText.Excerpt(key)}'.");
            var (shape, refusal) = shapes[reader.Read7BitEncodedInt()];
            var arguments = reader.ReadBytes(reader.Read7BitEncodedInt());
            requests[i] = shape is null
                ? new SpawnRequest(key, null, arguments, refusal)
                : arguments.AsSpan().SequenceEqual(PropsWire.NoArguments)
                    ? new SpawnRequest(key, PropsWire.Create(shape.Value, []), PropsWire.NoArguments)
                    : Rebuild(key, shape.Value, arguments);
        }
        return requests;
    }

    private void WriteStartBatch(BinaryWriter writer, StartBatch batch)
    {
        WriteRequests(writer, batch.Starts.Select(start => start.Request).ToList());
        foreach (var (_, client) in batch.Starts)
            RecordFormat.WriteRef(writer, client);
    }

    private StartBatch ReadStartBatch(BinaryReader reader)
    {
        var requests = ReadRequests(reader);
        var starts = new (SpawnRequest, IActorRef)[requests.Length];
        for (var i = 0; i < requests.Length; i++)
            starts[i] = (requests[i], Records.ReadRef(reader));
        return new StartBatch(starts);
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
        using var reader = new BinaryReader(new MemoryStream(arguments), WireFormat.StrictUtf8);
        return PropsWire.ReadArguments(reader, system.Serialization);
    }

    private void WriteSpawnResults(BinaryWriter writer, IReadOnlyList<SpawnResult> results)
    {
        var records = results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();
        var tables = Records.WriteTables(writer, records.Select(record => record.Owner).Distinct(), records);
        writer.Write7BitEncodedInt(results.Count);
        foreach (var result in results)
        {
            switch (result)
            {
                case { Record: { } record }:
                    writer.Write(HolderTag);
                    Records.WriteRecordFields(writer, record, tables);
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
        var tables = Records.ReadTables(reader);
        var results = new SpawnResult[reader.Read7BitEncodedInt()];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = reader.ReadByte() switch
            {
                HolderTag => SpawnResult.Holder(Records.ReadRecordFields(reader, tables)),
                FailedTag => SpawnResult.Failed(reader.ReadString(), reader.ReadString()),
                _ => SpawnResult.AskAgain(reader.ReadString()),
            };
        }
        return results;
    }
}
