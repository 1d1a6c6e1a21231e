using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The registry actor's trust boundary: which nodes it takes replication messages from (current
/// members), and which records (those of the owner that sends them, well-formed). A refused
/// message is dropped whole, counted, and logged once per sender and message kind.
/// </summary>
/// <remarks>
/// A sender's address is what the message says it is: this check keeps out nodes that are not
/// members and members that send what is not theirs, while a forged sender address is kept out
/// only by the transport (mutual TLS, see the README's security model).
/// </remarks>
internal sealed class ReplicationGate(UniqueAddress self, ProcessRegistrySettings settings, RegistryClock clock, RegistryMetrics metrics, ILoggingAdapter log)
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
    public bool AllOwnedBy(IEnumerable<EntryRecord> records, UniqueAddress owner, IActorRef sender, string message)
    {
        var latest = Latest;
        foreach (var record in records)
        {
            if (Problem(record, owner, latest) is { } problem)
            {
                Refuse(sender.Path.Address, message, $"record [{MetadataLimits.Printable(record.Key)}]: {problem}");
                return false;
            }
        }
        return true;
    }

    /// <summary>What is wrong with a record that claims to be <paramref name="owner"/>'s, or null.</summary>
    public string? Problem(EntryRecord record, UniqueAddress owner) => Problem(record, owner, Latest);

    /// <summary>The newest version or registration time a record may carry now.</summary>
    private long Latest => clock.WallTicks + settings.MaxClockLead.Ticks;

    // Records read from one message share their owner's instance and their pids' parents, so the
    // reference comparisons settle almost every record without comparing addresses field by field.
    private string? Problem(EntryRecord record, UniqueAddress owner, long latest)
    {
        if (!ReferenceEquals(record.Owner, owner) && !record.Owner.Equals(owner)) return $"it names {record.Owner} as owner, not {owner}";
        if (KeyLimits.Violation(record.Key, settings) is { } key) return key;
        if (record.Version <= 0 || record.Version > latest)
            return $"its version {record.Version} is not between 1 and this node's clock plus max-clock-lead ({latest})";
        if (record.RegisteredAtTicks < 0 || record.RegisteredAtTicks > Math.Min(latest, DateTime.MaxValue.Ticks))
            return $"its registration time {record.RegisteredAtTicks} is not between 0 and this node's clock plus max-clock-lead";
        if (!owner.Equals(self) && !ReferenceEquals(record.Pid.Path.Address, owner.Address) && !record.Pid.Path.Address.Equals(owner.Address)) return $"its process {record.Pid.Path} does not live on its owner";
        if (record.Metadata.Count > 0 && MetadataLimits.Violation(record.Metadata!, settings) is { } metadata) return metadata;
        return null;
    }

    public void Refuse(Address from, string message, string why)
    {
        metrics.Refused(message);
        if (_logged.Count < 1024 && _logged.Add((from, message)))
            log.Warning("Refused {0} from {1}: {2}. Further refusals of its {0} are counted (process_registry.refused), not logged.", message, from, why);
    }
}
