using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The trust boundary of an owner-partitioned table: which nodes it takes replication messages
/// from (current members), and which records (those of the owner that sends them, with versions
/// no further ahead than max-clock-lead, and content the data's own rule accepts). A refused
/// message is dropped whole, counted, and logged once per sender and message kind.
/// </summary>
/// <remarks>
/// A sender's address is what the message says it is: this check keeps out nodes that are not
/// members and members that send what is not theirs, while a forged sender address is kept out
/// only by the transport (mutual TLS, see the README's security model).
/// <paramref name="contentProblem"/> is the data's own rule for a record's content, given the
/// owner it claims and the newest time it may carry (null when nothing is wrong): the table
/// itself knows only owners and versions.
/// </remarks>
internal sealed class ReplicationGate<TRecord>(
    UniqueAddress self,
    TimeSpan maxClockLead,
    RegistryClock clock,
    Func<TRecord, UniqueAddress, long, string?> contentProblem,
    RegistryMetrics metrics,
    ILoggingAdapter log)
    where TRecord : class, IReplicatedRecord
{
    private readonly Dictionary<Address, UniqueAddress> _members = new();
    private readonly HashSet<(Address, string)> _logged = new();
    // Nodes refused as strangers: usually joiners this node has not heard of yet, whose snapshot
    // arrived first. A few; only forged senders could fill it.
    private readonly HashSet<Address> _strangers = new();

    /// <summary>
    /// Keeps track of who is a member: every status but down and removed. Says whether the member
    /// was refused as a stranger before, so it missed what it sent then and should be asked again.
    /// </summary>
    public bool Track(Member member)
    {
        if (!Membership.Counts(member))
        {
            _members.Remove(member.Address);
            return false;
        }
        _members[member.Address] = member.UniqueAddress;
        return _strangers.Remove(member.Address);
    }

    /// <summary>The member that sent a replication message, or null when it is not one (the message is then refused).</summary>
    public UniqueAddress? Member(IActorRef sender, string message)
    {
        var from = sender.Path.Address;
        if (_members.TryGetValue(from, out var member) && !member.Equals(self)) return member;
        if (_strangers.Count < 1024) _strangers.Add(from);
        Refuse(from, message, "the sender is not a member of the cluster (yet)");
        return null;
    }

    /// <summary>Whether a command comes from this node or from a member.</summary>
    public bool LocalOrMember(IActorRef sender, string message)
    {
        var from = sender.Path.Address;
        if (from.HasLocalScope || from.Equals(self.Address) || _members.ContainsKey(from)) return true;
        Refuse(from, message, "the sender is not a member of the cluster");
        return false;
    }

    /// <summary>Whether every record is <paramref name="owner"/>'s own and well-formed; refuses the message otherwise.</summary>
    public bool AllOwnedBy(IEnumerable<TRecord> records, UniqueAddress owner, IActorRef sender, string message)
    {
        var latest = Latest;
        foreach (var record in records)
        {
            if (Problem(record, owner, latest) is { } problem)
            {
                Refuse(sender.Path.Address, message, $"record [{WellFormedText.Printable(record.Key)}]: {problem}");
                return false;
            }
        }
        return true;
    }

    /// <summary>What is wrong with a record that claims to be <paramref name="owner"/>'s, or null.</summary>
    public string? Problem(TRecord record, UniqueAddress owner) => Problem(record, owner, Latest);

    /// <summary>The newest version (or time) a record may carry now.</summary>
    public long Latest => clock.WallTicks + maxClockLead.Ticks;

    // Records read from one message share their owner's instance, so the reference comparison
    // settles almost every record without comparing addresses field by field.
    private string? Problem(TRecord record, UniqueAddress owner, long latest)
    {
        if (!ReferenceEquals(record.Owner, owner) && !record.Owner.Equals(owner)) return $"it names {record.Owner} as owner, not {owner}";
        if (record.Version <= 0 || record.Version > latest)
            return $"its version {record.Version} is not between 1 and this node's clock plus max-clock-lead ({latest})";
        return contentProblem(record, owner, latest);
    }

    public void Refuse(Address from, string message, string why)
    {
        metrics.Refused(message);
        if (_logged.Count < 1024 && _logged.Add((from, message)))
            log.Warning("Refused {0} from {1}: {2}. Further refusals of its {0} are counted (process_registry.refused), not logged.", message, from, why);
    }
}
