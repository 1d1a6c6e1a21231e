using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Akka.Actor;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// The registry's wire format: records, the commands a node forwards to a process's owner and
/// their answers, and peer replication (broadcasts, snapshots, digests, removal hints).
/// </summary>
internal sealed class RegistryMessageSerializer(ExtendedActorSystem system) : RegistrySerializerBase(system)
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
    private const string OwnerDigestManifest = "D";
    private const string SnapshotRequestManifest = "Q";
    private const string RemovalHintsManifest = "H";

    private readonly ConditionalWeakTable<object, byte[]> _serializedOnce = new();

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        EntryRecord => EntryRecordManifest,
        RegisterCommand => RegisterManifest,
        UnregisterCommand => UnregisterManifest,
        RegisterAccepted => AcceptedManifest,
        RegisterTaken => TakenManifest,
        RegisterRejected => RejectedManifest,
        UnregisterReply => UnregisterReplyManifest,
        RecordsChanged<EntryRecord> => RecordsChangedManifest,
        RemovalHints<EntryRecord> => RemovalHintsManifest,
        OwnerSnapshot<EntryRecord> => OwnerSnapshotManifest,
        UpdateMetadataCommand => UpdateMetadataManifest,
        NotRegistered => NotRegisteredManifest,
        OwnerDigest => OwnerDigestManifest,
        SnapshotRequest => SnapshotRequestManifest,
        _ => throw CannotSerialize(o),
    };

    public override byte[] ToBinary(object obj) =>
        // One broadcast goes to every peer (each peer's endpoint writer serializes it): the first time is for all.
        obj is RecordsChanged<EntryRecord> ? _serializedOnce.GetValue(obj, Serialize) : Serialize(obj);

    protected override void Write(BinaryWriter writer, object obj)
    {
        switch (obj)
        {
            case EntryRecord record:
                Records.WriteRecord(writer, record);
                break;
            case RegisterCommand command:
                writer.Write(command.Key);
                RecordFormat.WriteRef(writer, command.Pid);
                RecordFormat.WriteMetadata(writer, command.Metadata);
                writer.Write(false); // a forced registration never travels
                break;
            case UnregisterCommand command:
                writer.Write(command.Key);
                writer.Write(command.Pid is not null);
                if (command.Pid is not null) RecordFormat.WriteRef(writer, command.Pid);
                break;
            case RegisterAccepted accepted:
                Records.WriteRecord(writer, accepted.Record);
                break;
            case RegisterTaken taken:
                writer.Write(taken.Key);
                RecordFormat.WriteRef(writer, taken.Holder);
                break;
            case RegisterRejected rejected:
                writer.Write(rejected.Reason);
                break;
            case UnregisterReply reply:
                writer.Write(reply.Removed);
                writer.Write(reply.Key);
                writer.Write(reply.Tombstone is not null);
                if (reply.Tombstone is not null) Records.WriteRecord(writer, reply.Tombstone);
                break;
            case RecordsChanged<EntryRecord> changed:
                Records.WriteRecords(writer, changed.Records);
                break;
            case RemovalHints<EntryRecord> hints:
                Records.WriteRecords(writer, hints.Removals);
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
            case OwnerSnapshot<EntryRecord> snapshot:
                RecordFormat.WriteOwner(writer, snapshot.Owner);
                writer.Write(snapshot.Id);
                writer.Write7BitEncodedInt(snapshot.Part);
                writer.Write7BitEncodedInt(snapshot.Parts);
                writer.Write(snapshot.TakenAt);
                Records.WriteRecords(writer, snapshot.Records);
                break;
            case OwnerDigest digest:
                RecordFormat.WriteOwner(writer, digest.Owner);
                writer.Write(digest.Count);
                writer.Write(digest.Checksum);
                break;
            case SnapshotRequest:
                break;
            default:
                throw CannotSerialize(obj);
        }
    }

    protected override object Read(BinaryReader reader, string manifest) => manifest switch
    {
        EntryRecordManifest => Records.ReadRecord(reader),
        RegisterManifest => ReadRegister(reader),
        UnregisterManifest => new UnregisterCommand(reader.ReadString(), reader.ReadBoolean() ? Records.ReadRef(reader) : null),
        AcceptedManifest => new RegisterAccepted(Records.ReadRecord(reader)),
        TakenManifest => new RegisterTaken(reader.ReadString(), Records.ReadRef(reader)),
        RejectedManifest => new RegisterRejected(reader.ReadString()),
        UnregisterReplyManifest => new UnregisterReply(reader.ReadBoolean(), reader.ReadString(), reader.ReadBoolean() ? Records.ReadRecord(reader) : null),
        RecordsChangedManifest => new RecordsChanged<EntryRecord>(Records.ReadRecords(reader)),
        UpdateMetadataManifest => ReadUpdateMetadata(reader),
        NotRegisteredManifest => new NotRegistered(reader.ReadString()),
        OwnerSnapshotManifest => new OwnerSnapshot<EntryRecord>(Records.ReadOwner(reader), reader.ReadInt64(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.ReadInt64(), Records.ReadRecords(reader)),
        RemovalHintsManifest => new RemovalHints<EntryRecord>(Records.ReadRecords(reader)),
        OwnerDigestManifest => new OwnerDigest(Records.ReadOwner(reader), reader.ReadInt32(), reader.ReadInt64()),
        SnapshotRequestManifest => SnapshotRequest.Instance,
        _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(RegistryMessageSerializer)}."),
    };

    private RegisterCommand ReadRegister(BinaryReader reader)
    {
        var command = new RegisterCommand(reader.ReadString(), Records.ReadRef(reader), RecordFormat.ReadMetadata(reader));
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
}
