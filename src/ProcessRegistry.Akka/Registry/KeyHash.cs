using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The hash a record keeps of its key, for the view's table: a fixed multiply-rotate hash with a
/// full final mix, a third of the cost of the process's randomized string hash (Marvin) on short
/// keys, which is most of a lookup. Being fixed, it can be flooded by keys chosen to collide; the
/// view watches its probe lengths and falls back to the randomized hash when it sees that
/// (<see cref="LocalView"/>), as .NET's own dictionaries do.
/// </summary>
internal static class KeyHash
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    public static int Of(ReadOnlySpan<char> key)
    {
        var bytes = MemoryMarshal.AsBytes(key);
        var hash = (ulong)bytes.Length * Multiplier;
        while (bytes.Length >= 8)
        {
            hash = BitOperations.RotateLeft(hash ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes) * Multiplier), 29) * Multiplier;
            bytes = bytes[8..];
        }
        if (bytes.Length > 0)
        {
            // UTF-16: 2, 4 or 6 bytes are left.
            ulong last = bytes.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : 0;
            if ((bytes.Length & 2) != 0)
                last |= (ulong)BinaryPrimitives.ReadUInt16LittleEndian(bytes[^2..]) << (bytes.Length >= 4 ? 32 : 0);
            hash = BitOperations.RotateLeft(hash ^ (last * Multiplier), 29) * Multiplier;
        }
        // Every output bit depends on every input bit: the table takes its slot from the low bits.
        hash ^= hash >> 32;
        hash *= 0xD6E8FEB86659FD93;
        hash ^= hash >> 32;
        return (int)hash;
    }
}
