using ProcessRegistry.Akka.Support;
namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// A summary of the live records one owner holds: how many, and an order-independent checksum
/// of their keys and versions. Equal on the owner and on a peer when the peer's view of that
/// owner is complete and current.
/// </summary>
internal readonly record struct OwnedDigest(int Count, long Checksum)
{
    public static OwnedDigest Of(IEnumerable<(string Key, long Version)> records)
    {
        var (count, checksum) = (0, 0L);
        foreach (var (key, version) in records)
        {
            count++;
            // Spread the 32-bit key hash over 64 bits (golden-ratio multiplier) before mixing in the version.
            checksum ^= unchecked(StableHash.Of(key) * -7046029254386353131L) ^ version;
        }
        return new OwnedDigest(count, checksum);
    }
}
