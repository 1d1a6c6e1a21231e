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
    /// <summary>Whether a member may host a process: it has the spawn role (when there is one) and the kind's role (when it has one).</summary>
    public static bool MayHost(Member member, string spawnRole, SpawnKind? kind) =>
        (string.IsNullOrEmpty(spawnRole) || member.HasRole(spawnRole)) && (kind?.Role is not { } role || member.HasRole(role));

    /// <summary>What a member brings to every key's score: computed once per member, not once per key.</summary>
    public static long WeightOf(Member member) =>
        (uint)StableHash.Of(member.Address.ToString()) ^ ((long)member.UniqueAddress.Uid << 16);

    /// <summary>The member of <paramref name="candidates"/> (with their <see cref="WeightOf"/>) that places <paramref name="key"/>; null when there is none.</summary>
    public static Address? NodeFor(string key, IEnumerable<(Member Member, long Weight)> candidates)
    {
        var keyHash = (long)StableHash.Of(key) << 32;
        Address? best = null;
        var bestScore = long.MinValue;
        foreach (var (member, weight) in candidates)
        {
            var score = StableHash.Mix(keyHash ^ weight);
            if (best is null || score > bestScore)
                (best, bestScore) = (member.Address, score);
        }
        return best;
    }
}
