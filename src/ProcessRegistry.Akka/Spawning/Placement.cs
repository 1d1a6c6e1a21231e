using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Where a new key's process goes: rendezvous (highest random weight) hashing of the key over the
/// members that may host it. Every member gets an equal share of new keys, a member that joins
/// takes its share at once (of new keys: nothing running moves), and a member that leaves moves
/// only the keys that were its own. Stable across processes, like the spawn shard of a key.
/// </summary>
internal static class Placement
{
    /// <summary>The member of <paramref name="candidates"/> that places <paramref name="key"/>; null when there is none.</summary>
    public static Address? NodeFor(string key, IEnumerable<Member> candidates)
    {
        var keyHash = (long)StableHash.Of(key) << 32;
        Address? best = null;
        var bestScore = long.MinValue;
        foreach (var member in candidates)
        {
            var score = StableHash.Mix(keyHash ^ (uint)StableHash.Of(member.Address.ToString()) ^ ((long)member.UniqueAddress.Uid << 16));
            if (best is null || score > bestScore)
                (best, bestScore) = (member.Address, score);
        }
        return best;
    }
}
