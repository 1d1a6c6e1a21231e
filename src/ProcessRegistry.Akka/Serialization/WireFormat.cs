using System.Runtime.Serialization;
using System.Text;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// What every payload of the library's serializers shares: a leading format version, and strict
/// UTF-8. A reader refuses a version it does not know, with an error naming both, rather than
/// misreading the bytes. The golden-bytes fixtures under <c>tests/</c> pin each message's bytes at
/// this version; a change of format bumps it, and the release that does must still read the one
/// before (see the README on rolling upgrades).
/// </summary>
internal static class WireFormat
{
    /// <summary>The version this build writes.</summary>
    public const byte Version = 1;

    /// <summary>The versions this build reads.</summary>
    public static readonly byte[] Readable = [Version];

    // Strict both ways: a lone surrogate is refused rather than written as U+FFFD (the API refuses
    // it first), and bytes that are not UTF-8 fail the message rather than become another key.
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void WriteVersion(BinaryWriter writer) => writer.Write(Version);

    /// <summary>Reads the payload's version; throws when this build cannot read it.</summary>
    public static byte ReadVersion(BinaryReader reader, string manifest, string serializer)
    {
        if (reader.BaseStream.Length == 0)
            throw new SerializationException($"An empty '{manifest}' payload for {serializer}.");
        var version = reader.ReadByte();
        if (Array.IndexOf(Readable, version) < 0)
            throw new SerializationException(
                $"A '{manifest}' payload of wire format {version} for {serializer}, which reads format {string.Join(", ", Readable)}: " +
                "the sender runs a version of ProcessRegistry.Akka this node cannot talk to (see the README on rolling upgrades).");
        return version;
    }
}
