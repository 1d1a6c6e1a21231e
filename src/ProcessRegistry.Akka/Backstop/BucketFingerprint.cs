using Akka.Cluster;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// What a replica's bucket holds, in one number: its slices' owners, versions and sizes, and its
/// removed owners. An owner writes each version of its slice once, so two replicas with equal
/// fingerprints hold the same bucket, and comparing 512 of them costs nothing like a digest of
/// the serialized buckets. Order-independent and the same on every node.
/// </summary>
internal static class BucketFingerprint
{
    public static long Of<TRecord>(ReplicatedBucket<TRecord>? bucket)
        where TRecord : class, IReplicatedRecord
    {
        if (bucket is null) return 0;
        var sum = 0L;
        foreach (var (owner, slice) in bucket.Slices)
            sum += Mix(OwnerHash(owner) ^ Mix(slice.Version) ^ slice.Records.Length);
        foreach (var owner in bucket.Removed)
            sum += Mix(~OwnerHash(owner));
        return sum;
    }

    private static long OwnerHash(UniqueAddress owner) =>
        Mix(((long)StableHash.Of(owner.Address.ToString()) << 32) | (uint)owner.Uid);

    /// <summary>SplitMix64's finalizer: spreads every input bit over the whole result.</summary>
    private static long Mix(long value)
    {
        var z = unchecked((ulong)value + 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(z ^ (z >> 31)));
    }
}
