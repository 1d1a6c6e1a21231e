using Akka.Actor;
using Akka.Event;
using ProcessRegistry.Akka.Conflicts;
using ProcessRegistry.Akka.Diagnostics;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The owner's side of a key another node wrote too. The owner is authoritative for its
/// processes: a newer record of a key it owns means someone else wrote the key, and the owner
/// settles it, the same way on both owners (<see cref="ConflictArbiter"/>).
/// </summary>
/// <remarks><paramref name="stopLoser"/>: whether a process that lost its key is stopped (<c>on-conflict = stop</c>).</remarks>
internal sealed class ConflictSettlement(
    OwnerBooks books,
    ViewWriter writer,
    ConflictArbiter arbiter,
    bool stopLoser,
    RegistryMetrics metrics,
    RegistryEventPublisher events,
    ILoggingAdapter log)
{
    /// <summary>A record applied to the view: settles the key if this node owns it under an older version.</summary>
    public void Check(EntryRecord record)
    {
        var key = record.Key;
        if (!books.TryGet(key, out var mine) || record.Version <= mine.Version) return;

        if (record.Pid.Equals(mine.Pid))
        {
            // Only this node writes its processes' records: a newer one is its own, echoed.
            if (record.IsLive)
                books.Update(mine with { Version = record.Version, Metadata = record.Metadata });
            else
                books.Release(key);
            return;
        }
        Settle(key, mine, record);
    }

    /// <summary>
    /// Removals of keys this node owns, made by other owners' processes and relayed by a peer that
    /// refused this node's record because of them: this node settles its key as if the removal had
    /// reached it directly. Nothing else is taken from a relay: the view changes only by owners. (A
    /// removal of this node's own is never newer than its record: its versions only grow.)
    /// </summary>
    public void Hinted(IEnumerable<EntryRecord> removals)
    {
        foreach (var removal in removals)
        {
            if (!removal.Owner.Equals(books.Self) && books.TryGet(removal.Key, out var mine) && removal.Version > mine.Version && !removal.Pid.Equals(mine.Pid))
                Settle(removal.Key, mine, removal);
        }
    }

    /// <summary>
    /// Another owner's record of a key this node owns, newer than this node's. A live one is a
    /// conflict, which the resolver settles the same way on both owners. A removal of the other
    /// owner's process leaves this node's record the key's, to be told again under a newer version.
    /// A removal that another owner wrote because the resolver freed the key (its own process's
    /// record, reason ConflictLost) frees it here too, once this node's resolver agrees: nobody
    /// else's word makes an owner let go.
    /// </summary>
    private void Settle(string key, EntryRecord mine, EntryRecord theirs)
    {
        if (writer.IsRemoved(theirs.Owner) || (!theirs.IsLive && theirs.RemovedBecause != UnregisterReason.ConflictLost))
        {
            Reassert(key, mine, over: theirs);
            return;
        }
        var outcome = arbiter.Decide(key, mine.ToEntry(), theirs.ToEntry());
        if (!theirs.IsLive)
        {
            if (outcome == ConflictOutcome.Free)
                books.Release(key);
            else
                Reassert(key, mine, over: theirs);
            return;
        }
        switch (outcome)
        {
            case ConflictOutcome.MineWins:
                Reassert(key, mine, over: theirs);
                break;
            case ConflictOutcome.TheirsWins:
                Lose(key, mine.Pid, theirs.Pid);
                break;
            case ConflictOutcome.Free:
                // This node's own record goes, newer than theirs, and tells their owner why.
                books.Release(key);
                books.Write(mine.AsTombstone(UnregisterReason.ConflictLost, books.NextVersion(key)));
                break;
        }
    }

    /// <summary>Tells this node's record of the key again, newer than <paramref name="over"/>, which the peers may hold.</summary>
    private void Reassert(string key, EntryRecord mine, EntryRecord over)
    {
        var again = mine with { Version = books.NextVersionOver(key, over.Version) };
        books.Update(again);
        books.Write(again);
    }

    private void Lose(string key, IActorRef loser, IActorRef winner)
    {
        books.Release(key);
        log.Info("Process {0} lost key [{1}] to {2}.", loser.Path, key, winner.Path);
        loser.Tell(new NameConflict(key, winner));
        if (stopLoser)
            loser.Tell(PoisonPill.Instance);
        metrics.Conflict();
        if (events.Wanted) events.Publish(new RegistrationConflict(key, winner, loser));
    }
}
