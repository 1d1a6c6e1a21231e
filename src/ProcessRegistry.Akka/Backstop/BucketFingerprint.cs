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
            sum += StableHash.Mix(OwnerHash(owner) ^ StableHash.Mix(slice.Version) ^ slice.Records.Length);
        foreach (var owner in bucket.Removed)
            sum += StableHash.Mix(~OwnerHash(owner));
        return sum;
    }

    private static long OwnerHash(UniqueAddress owner) =>
        StableHash.Mix(((long)StableHash.Of(owner.Address.ToString()) << 32) | (uint)owner.Uid);
}
