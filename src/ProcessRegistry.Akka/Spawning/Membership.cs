using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>Whether a spawn message comes from this node or from a current member (any status but down and removed).</summary>
internal static class Membership
{
    public static bool LocalOrMember(Cluster cluster, IActorRef sender)
    {
        var from = sender.Path.Address;
        if (from.HasLocalScope || from.Equals(cluster.SelfAddress)) return true;
        foreach (var member in cluster.State.Members)
        {
            if (member.Address.Equals(from)) return member.Status is not (MemberStatus.Down or MemberStatus.Removed);
        }
        return false;
    }
}
