using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Registry;
using RegistryBucket = ProcessRegistry.Akka.Backstop.ReplicatedBucket<ProcessRegistry.Akka.Registry.EntryRecord>;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// The backstop's wire format: the registry's buckets (which the replicator gossips and digests)
/// and the fingerprints and bucket copies that repair a partial cut.
/// </summary>
internal sealed class BackstopSerializer(ExtendedActorSystem system) : RegistrySerializerBase(system)
{
    public const int SerializerId = 7422;

    private const string BucketManifest = "B";
    private const string FingerprintsManifest = "F";
    private const string BucketCopyManifest = "K";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        RegistryBucket => BucketManifest,
        BucketFingerprints => FingerprintsManifest,
        BucketCopy<EntryRecord> => BucketCopyManifest,
        _ => throw CannotSerialize(o),
    };

    protected override void Write(BinaryWriter writer, object obj)
    {
        switch (obj)
        {
            case RegistryBucket bucket:
                WriteBucket(writer, bucket);
                break;
            case BucketFingerprints fingerprints:
                writer.Write7BitEncodedInt(fingerprints.Fingerprints.Length);
                foreach (var fingerprint in fingerprints.Fingerprints)
                    writer.Write(fingerprint);
                break;
            case BucketCopy<EntryRecord> copy:
                writer.Write7BitEncodedInt(copy.Bucket);
                writer.Write(copy.Answer);
                WriteBucket(writer, copy.Data);
                break;
            default:
                throw CannotSerialize(obj);
        }
    }

    protected override object Read(BinaryReader reader, string manifest) => manifest switch
    {
        BucketManifest => ReadBucket(reader),
        FingerprintsManifest => new BucketFingerprints(ReadFingerprints(reader)),
        BucketCopyManifest => new BucketCopy<EntryRecord>(reader.Read7BitEncodedInt(), Answer: reader.ReadBoolean(), Data: ReadBucket(reader)),
        _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(BackstopSerializer)}."),
    };

    private static long[] ReadFingerprints(BinaryReader reader)
    {
        var fingerprints = new long[reader.Read7BitEncodedInt()];
        for (var i = 0; i < fingerprints.Length; i++)
            fingerprints[i] = reader.ReadInt64();
        return fingerprints;
    }

    /// <summary>
    /// A bucket is written in one order whatever order its replica holds it in (owners by
    /// address, keys ordinal, parents as their records first name them), because the replicator
    /// compares replicas by a digest of these bytes.
    /// </summary>
    private void WriteBucket(BinaryWriter writer, RegistryBucket bucket)
    {
        var slices = bucket.Slices.OrderBy(pair => pair.Key, Comparer<UniqueAddress>.Default).ToList();
        var tables = Records.WriteTables(writer,
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
            Records.WriteRecordList(writer, slice.Records, tables);
        }
    }

    private RegistryBucket ReadBucket(BinaryReader reader)
    {
        var tables = Records.ReadTables(reader);
        var removed = ImmutableHashSet.CreateBuilder<UniqueAddress>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
            removed.Add(tables.Owners[reader.Read7BitEncodedInt()]);
        var slices = ImmutableDictionary.CreateBuilder<UniqueAddress, OwnerSlice<EntryRecord>>();
        for (var count = reader.Read7BitEncodedInt(); count > 0; count--)
        {
            var owner = tables.Owners[reader.Read7BitEncodedInt()];
            var version = reader.ReadInt64();
            slices[owner] = OwnerSlice<EntryRecord>.Of(version, Records.ReadRecordList(reader, tables));
        }
        return new RegistryBucket(slices.ToImmutable(), removed.ToImmutable());
    }
}
