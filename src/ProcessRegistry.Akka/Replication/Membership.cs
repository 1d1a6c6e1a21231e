using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>Who counts as a member for the registry: every status but down and removed.</summary>
internal static class Membership
{
    public static bool Counts(Member member) => member.Status is not (MemberStatus.Down or MemberStatus.Removed);

    /// <summary>Whether a message comes from this node or from a current member, as the cluster sees it now.</summary>
    public static bool LocalOrMember(Cluster cluster, IActorRef sender)
    {
        var from = sender.Path.Address;
        if (from.HasLocalScope || from.Equals(cluster.SelfAddress)) return true;
        foreach (var member in cluster.State.Members)
        {
            if (member.Address.Equals(from)) return Counts(member);
        }
        return false;
    }
}
