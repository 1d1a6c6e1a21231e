using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// Register, unregister and metadata updates, handled by the owner of the process they name: the
/// owner versions the write and answers with its record. A command for another node's process is
/// forwarded to that node, and its answer applied here before the caller hears it, so the caller
/// sees its write on its own node too.
/// </summary>
/// <remarks><paramref name="registryOf"/>: the registry actor of a node, where forwarded commands go.</remarks>
internal sealed class OwnerCommands(
    IActorRef self,
    OwnerBooks books,
    ViewWriter writer,
    RegistryReplica replica,
    ReplicationGate<EntryRecord> gate,
    ProcessRegistrySettings settings,
    RegistryClock clock,
    RegistryMetrics metrics,
    Func<Address, ICanTell> registryOf)
{
    public void Register(RegisterCommand command, IActorRef sender)
    {
        // The caller's node checked all this; a command from another node is checked again here.
        if ((KeyLimits.Violation(command.Key, settings) ?? MetadataLimits.Violation(command.Metadata!, settings)) is { } problem)
        {
            sender.Tell(new RegisterRejected($"Nothing was registered. {problem}"));
            return;
        }
        if (!Processes.IsLocal(command.Pid))
        {
            Forward(command.Pid.Path.Address, command, command.Key, sender);
            return;
        }
        if (!Processes.IsProcess(command.Pid))
        {
            sender.Tell(new RegisterRejected($"{command.Pid.Path} is not a process that can be registered; nothing was registered."));
            return;
        }
        if (Processes.IsKnownDead(command.Pid))
        {
            sender.Tell(new RegisterRejected($"{command.Pid.Path} is not alive; nothing was registered."));
            return;
        }

        books.TryGet(command.Key, out var owned);
        // A holder known dead frees the key now: its Terminated may still be queued behind this
        // command, and syn never answers taken for a dead process.
        if (owned is not null && !owned.Pid.Equals(command.Pid) && Processes.IsKnownDead(owned.Pid))
        {
            books.Remove(command.Key, owned, UnregisterReason.Terminated);
            owned = null;
        }
        if (!command.Force)
        {
            var holder = owned?.Pid ?? (writer.View.TryGet(command.Key, out var seen) && !seen.PidKnownDead ? seen.Pid : null);
            if (holder is not null && !holder.Equals(command.Pid))
            {
                sender.Tell(new RegisterTaken(command.Key, holder));
                return;
            }
        }
        if (owned is not null && !owned.Pid.Equals(command.Pid))
            books.Release(command.Key);

        var registeredAt = owned is not null && owned.Pid.Equals(command.Pid)
            ? owned.RegisteredAtTicks
            : clock.WallTicks;
        var version = command.Force ? books.NextVersionOver(command.Key, command.Over) : books.NextVersion(command.Key);
        var record = new EntryRecord(command.Key, command.Pid, books.Self, command.Metadata, registeredAt, version, null);
        books.Own(record);
        books.Write(record);
        metrics.Registered();
        sender.Tell(new RegisterAccepted(record));
    }

    public void Unregister(UnregisterCommand command, IActorRef sender)
    {
        if (KeyLimits.Violation(command.Key, settings) is not null)
        {
            sender.Tell(new UnregisterReply(false, command.Key, null));
            return;
        }
        if (books.TryGet(command.Key, out var owned) && (command.Pid is null || owned.Pid.Equals(command.Pid)))
        {
            var tombstone = books.Remove(command.Key, owned, UnregisterReason.Unregistered);
            sender.Tell(new UnregisterReply(true, command.Key, tombstone));
            return;
        }
        if (command.Pid is null && writer.View.TryGet(command.Key, out var entry) && !entry.PidIsLocal)
        {
            Forward(entry.Owner.Address, command with { Pid = entry.Pid }, command.Key, sender);
            return;
        }
        sender.Tell(new UnregisterReply(false, command.Key, null));
    }

    /// <summary>Applies a metadata patch on the owner, where no concurrent write of the key can interleave.</summary>
    public void UpdateMetadata(UpdateMetadataCommand command, IActorRef sender)
    {
        if (KeyLimits.Violation(command.Key, settings) is { } problem)
        {
            sender.Tell(new RegisterRejected($"Nothing was updated. {problem}"));
            return;
        }
        if (!books.TryGet(command.Key, out var owned))
        {
            if (writer.View.TryGet(command.Key, out var entry) && !entry.PidIsLocal)
                Forward(entry.Owner.Address, command, command.Key, sender);
            else
                sender.Tell(new NotRegistered(command.Key));
            return;
        }
        var metadata = owned.Metadata;
        foreach (var (name, value) in command.Changes)
            metadata = value is null ? metadata.Remove(name) : metadata.SetItem(name, value);
        if (MetadataLimits.Violation(metadata!, settings) is { } violation)
        {
            sender.Tell(new RegisterRejected(violation));
            return;
        }
        var updated = owned with { Metadata = metadata, Version = books.NextVersion(command.Key) };
        books.Update(updated);
        books.Write(updated);
        metrics.Registered();
        sender.Tell(new RegisterAccepted(updated));
    }

    /// <summary>Applies the owner's record of what it did, if it is that owner's own, then answers the caller.</summary>
    public void OwnerReplied(OwnerReplied replied)
    {
        var record = replied.Reply switch
        {
            RegisterAccepted accepted => accepted.Record,
            UnregisterReply { Tombstone: { } tombstone } => tombstone,
            _ => null,
        };
        if (record is not null)
        {
            if (record.Owner.Address.Equals(replied.Owner) && gate.Problem(record, record.Owner) is null)
                replica.Merge(record);
            else
                gate.Refuse(replied.Owner, replied.Reply.GetType().Name, "the owner's answer carries a record that is not its own");
        }
        replied.ReplyTo.Tell(replied.Reply);
    }

    /// <summary>The owner writes; its answer carries the record, which this node applies before
    /// answering the caller, so the caller sees its write here too.</summary>
    private void Forward(Address owner, object command, string key, IActorRef replyTo)
    {
        // Shorter than the caller's own wait, so the caller hears the owner's silence as a
        // TimeoutException naming the owner, not as its own ask timing out.
        var wait = TimeSpan.FromTicks(settings.AskTimeout.Ticks * 9 / 10);
        registryOf(owner).Ask<object>(command, wait).PipeTo(
            self,
            success: reply => new OwnerReplied(replyTo, reply, owner, LocalOnly.Mark),
            failure: ex => new OwnerReplied(replyTo,
                new Status.Failure(new TimeoutException($"The registry on {owner} did not answer for key '{key}'.", ex)), owner, LocalOnly.Mark));
    }
}

/// <summary>An owner's answer to a forwarded command, with the caller it is for (never from the wire).</summary>
internal sealed record OwnerReplied(IActorRef ReplyTo, object Reply, Address Owner, LocalOnly Mark);
