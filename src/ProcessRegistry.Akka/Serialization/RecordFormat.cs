using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Registry;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// How registry records are written, in every message that carries them (broadcasts, snapshots,
/// buckets, spawn answers), and the caches that make reading them cheap. Records dominate what
/// nodes exchange, so they are written field by field, with tables of owners and parents.
/// </summary>
internal sealed class RecordFormat(ExtendedActorSystem system)
{
    private readonly OwnerCache _owners = new();
    private readonly ParentPathCache _parents = new();
    private readonly RemoteRefs _remoteRefs = new(system);
    private LocalView? _view;

    /// <summary>This node's view, once the registry has started: records already in it are shared, not read twice.</summary>
    private LocalView? View => _view ??= SharedView.Of(system);

    /// <summary>
    /// Records with tables first: their owners' addresses, and the parents of their pids. A
    /// broadcast or snapshot comes from one owner, and its processes share a few parents (/user, a
    /// spawn shard's host), so each is written, parsed and resolved once per message rather than
    /// once per record.
    /// </summary>
    public void WriteRecords(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records)
    {
        var tables = WriteTables(writer, records.Select(record => record.Owner).Distinct(), records);
        WriteRecordList(writer, records, tables);
    }

    public EntryRecord[] ReadRecords(BinaryReader reader) => ReadRecordList(reader, ReadTables(reader));

    /// <summary>Writes the owners (in the order given) and the distinct parents of the records' owned pids (in record order).</summary>
    public TablesWritten WriteTables(BinaryWriter writer, IEnumerable<UniqueAddress> distinctOwners, IEnumerable<EntryRecord> records)
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
                parents.TryAdd(PathOnOwner(record).Parent, parents.Count);
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

    public TablesRead ReadTables(BinaryReader reader)
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
    public void WriteRecordList(BinaryWriter writer, IReadOnlyCollection<EntryRecord> records, TablesWritten tables)
    {
        writer.Write7BitEncodedInt(records.Count);
        foreach (var record in records)
            WriteRecordFields(writer, record, tables);
    }

    public EntryRecord[] ReadRecordList(BinaryReader reader, TablesRead tables)
    {
        var records = new EntryRecord[reader.Read7BitEncodedInt()];
        for (var i = 0; i < records.Length; i++)
            records[i] = ReadRecordFields(reader, tables);
        return records;
    }

    public void WriteRecord(BinaryWriter writer, EntryRecord record) => WriteRecords(writer, [record]);

    public EntryRecord ReadRecord(BinaryReader reader) => ReadRecords(reader)[0];

    /// <summary>
    /// A process lives on its owner's node, so its path is written without the owner's address
    /// (and rebuilt from it) as its parent's index, its name and its uid: shorter records, and no
    /// path parse per record on the reader.
    /// </summary>
    public void WriteRecordFields(BinaryWriter writer, EntryRecord record, TablesWritten tables)
    {
        writer.Write7BitEncodedInt(tables.Owners[record.Owner]);
        writer.Write(record.Key);
        var onOwner = IsOnOwner(record);
        writer.Write(onOwner);
        if (onOwner)
        {
            var (parent, name, uid) = PathOnOwner(record);
            writer.Write7BitEncodedInt(tables.Parents[parent]);
            writer.Write(name);
            writer.Write(uid);
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
    public EntryRecord ReadRecordFields(BinaryReader reader, TablesRead tables)
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
        var removedBecause = removed == 0 ? null : (UnregisterReason?)(removed - 1);
        // Another node's process stays in parts until something reads it; this node's own is
        // resolved now, so that its liveness can be checked on every read.
        if (parent is not null && _remoteRefs.IsOtherNode(parent.Address))
            return new EntryRecord(key, new PeerPid(_remoteRefs, parent, name!, uid), owner, metadata, registeredAt, version, removedBecause);
        var pid = parent is null
            ? system.Provider.ResolveActorRef(fullPath!)
            : _remoteRefs.Resolve(new ChildActorPath(parent, name!, uid));
        return new EntryRecord(key, pid, owner, metadata, registeredAt, version, removedBecause);
    }

    /// <summary>The parts a pid on its owner is written as, from the record's parts when it still has them.</summary>
    private static (ActorPath Parent, string Name, long Uid) PathOnOwner(EntryRecord record)
    {
        if (record.PidParts is { } parts) return (parts.Parent, parts.Name, parts.Uid);
        var path = record.Pid.Path;
        return (path.Parent, path.Name, path.Uid);
    }

    private bool IsOnOwner(EntryRecord record)
    {
        // Parts are only ever made for a pid on its owner.
        if (record.PidParts is not null) return true;
        var home = record.Pid is IInternalActorRef { IsLocal: true } ? system.Provider.DefaultAddress : record.Pid.Path.Address;
        return home.Equals(record.Owner.Address);
    }

    public static void WriteOwner(BinaryWriter writer, UniqueAddress owner)
    {
        writer.Write(owner.Address.ToString());
        writer.Write(owner.Uid);
    }

    public UniqueAddress ReadOwner(BinaryReader reader) => _owners.Parse(reader.ReadString(), reader.ReadInt32());

    /// <summary>A message's tables as written: the index of each owner and each parent.</summary>
    public readonly record struct TablesWritten(Dictionary<UniqueAddress, int> Owners, Dictionary<ActorPath, int> Parents);

    /// <summary>A message's tables as read; each parent is resolved (for its owner) once per message.</summary>
    public sealed class TablesRead(UniqueAddress[] owners, string[][] parents, ParentPathCache cache)
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

    public static void WriteRef(BinaryWriter writer, IActorRef actorRef) =>
        writer.Write(global::Akka.Serialization.Serialization.SerializedActorPath(actorRef));

    public IActorRef ReadRef(BinaryReader reader) => system.Provider.ResolveActorRef(reader.ReadString());

    public static void WriteMetadata(BinaryWriter writer, ImmutableDictionary<string, string> metadata)
    {
        writer.Write7BitEncodedInt(metadata.Count);
        // Sorted: a record inside a bucket must serialize to the same bytes on every replica.
        foreach (var (name, value) in metadata.Count < 2 ? metadata : metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal).AsEnumerable())
        {
            writer.Write(name);
            writer.Write(value);
        }
    }

    public static ImmutableDictionary<string, string> ReadMetadata(BinaryReader reader)
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
