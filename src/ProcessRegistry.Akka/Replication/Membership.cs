using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ProcessRegistry.Akka.Replication;

/// <summary>Who counts as a member for the registry: every status but down and removed.</summary>
internal static class Membership
{
    public static bool Counts(Member member) => member.Status is not (MemberStatus.Down or MemberStatus.Removed);

    /// <summary>Whether a member is Up (or WeaklyUp): one that new work may go to.</summary>
    public static bool IsUp(Member member) => member.Status is MemberStatus.Up or MemberStatus.WeaklyUp;

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

    /// <summary>Whether a message comes from this node or a current member; a refusal is logged, naming <paramref name="message"/>.</summary>
    public static bool Admits(Cluster cluster, IActorRef sender, ILoggingAdapter log, string message)
    {
        if (LocalOrMember(cluster, sender)) return true;
        log.Warning("Refused {0} from {1}, which is not a member of the cluster.", message, sender.Path.Address);
        return false;
    }
}
