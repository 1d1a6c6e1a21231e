using System.Collections.Immutable;
using Akka.Actor;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>Register <paramref name="Pid"/> under <paramref name="Key"/>; handled by the node that hosts the pid.</summary>
/// <remarks>
/// <paramref name="Forced"/>, when it is this node's <see cref="LocalOnly.Mark"/>, replaces a live
/// holder: spawn hosts use it, whose single activation comes from sharding. It never travels, nor
/// does <paramref name="Over"/>: a forced registration's version is newer than it (a handed-off
/// key's successor registers over its predecessor's removal, whatever the two clocks say).
/// </remarks>
internal sealed record RegisterCommand(string Key, IActorRef Pid, ImmutableDictionary<string, string> Metadata, LocalOnly? Forced = null, long Over = 0)
{
    public bool Force => LocalOnly.Carries(Forced);
}

/// <summary>Unregister <paramref name="Key"/> if it maps to <paramref name="Pid"/> (any pid when null).</summary>
internal sealed record UnregisterCommand(string Key, IActorRef? Pid);

/// <summary>Set (or, with a null value, remove) metadata labels of <paramref name="Key"/>, atomically on its owner.</summary>
internal sealed record UpdateMetadataCommand(string Key, IReadOnlyDictionary<string, string?> Changes);

/// <summary>What the owner answers to a register or metadata command.</summary>
internal abstract record RegisterReply;

internal sealed record NotRegistered(string Key) : RegisterReply;

/// <summary>The owner's record of the registration; it carries its key.</summary>
internal sealed record RegisterAccepted(EntryRecord Record) : RegisterReply;

internal sealed record RegisterTaken(string Key, IActorRef Holder) : RegisterReply;

internal sealed record RegisterRejected(string Reason) : RegisterReply;

/// <summary><paramref name="Tombstone"/> is the owner's removal record, so the caller's node can apply it at once.</summary>
internal sealed record UnregisterReply(bool Removed, string Key, EntryRecord? Tombstone);

/// <summary>
/// Records a spawn brought to this node, applied to its view before each caller gets its answer,
/// so a caller whose spawn completed reads the key here.
/// </summary>
internal sealed record MergeThenAnswer(IReadOnlyList<EntryRecord> Records, IReadOnlyList<(IActorRef Caller, object Answer)> Answers, LocalOnly Mark);
