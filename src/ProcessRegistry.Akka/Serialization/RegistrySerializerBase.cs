using Akka.Actor;
using Akka.Serialization;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// What the library's serializers share: payloads that start with the <see cref="WireFormat"/>
/// version, a reused write buffer, and the <see cref="RecordFormat"/> of registry records.
/// </summary>
internal abstract class RegistrySerializerBase : SerializerWithStringManifest
{
    // Buckets copied whole (a partition's exchange) can be far bigger than a broadcast: not kept.
    private const int MaxSpareStreamBytes = 256 * 1024;

    [ThreadStatic] private static MemoryStream? _spareStream;

    protected RegistrySerializerBase(ExtendedActorSystem system) : base(system) => Records = new RecordFormat(system);

    protected RecordFormat Records { get; }

    /// <summary>Writes <paramref name="obj"/>'s fields, after the version.</summary>
    protected abstract void Write(BinaryWriter writer, object obj);

    /// <summary>Reads a payload of <paramref name="manifest"/>, after its version.</summary>
    protected abstract object Read(BinaryReader reader, string manifest);

    public override byte[] ToBinary(object obj) => Serialize(obj);

    protected byte[] Serialize(object obj)
    {
        // A broadcast runs to 64 KB, and a new stream would grow (copy) its buffer a dozen times
        // on the way; a nested call (props arguments through the system's serializers) takes a new one.
        var stream = _spareStream ?? new MemoryStream();
        _spareStream = null;
        stream.SetLength(0);
        using (var writer = new BinaryWriter(stream, WireFormat.StrictUtf8, leaveOpen: true))
        {
            WireFormat.WriteVersion(writer);
            Write(writer, obj);
        }
        var bytes = stream.ToArray();
        if (stream.Capacity <= MaxSpareStreamBytes)
            _spareStream = stream;
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), WireFormat.StrictUtf8);
        WireFormat.ReadVersion(reader, manifest, GetType().Name);
        return Read(reader, manifest);
    }

    protected ArgumentException CannotSerialize(object obj) => new($"Cannot serialize {obj.GetType()} with {GetType().Name}.");
}
