using Akka.Actor;
using Akka.Event;

namespace ProcessRegistry.Akka.Conflicts;

/// <summary>
/// Puts two contending entries in canonical order, asks the resolver, and turns whatever it
/// does (a pid, null, a foreign pid, an exception) into one of three outcomes.
/// </summary>
internal sealed class ConflictArbiter(IConflictResolver resolver, ILoggingAdapter log)
{
    public ConflictOutcome Decide(string key, RegistryEntry mine, RegistryEntry theirs)
    {
        var (first, second) = CanonicalOrder(mine, theirs) <= 0 ? (mine, theirs) : (theirs, mine);
        IActorRef? winner;
        try
        {
            winner = resolver.ChooseWinner(key, first, second);
        }
        catch (Exception ex)
        {
            log.Error(ex, "Conflict resolver {0} threw for key [{1}]; the key is freed.", resolver.GetType().Name, key);
            return ConflictOutcome.Free;
        }
        if (mine.Pid.Equals(winner)) return ConflictOutcome.MineWins;
        if (theirs.Pid.Equals(winner)) return ConflictOutcome.TheirsWins;
        log.Warning("Conflict resolver {0} chose neither pid for key [{1}]; the key is freed.", resolver.GetType().Name, key);
        return ConflictOutcome.Free;
    }

    private static int CanonicalOrder(RegistryEntry a, RegistryEntry b)
    {
        var byNode = string.CompareOrdinal(a.Node.ToString(), b.Node.ToString());
        return byNode != 0 ? byNode : string.CompareOrdinal(a.Pid.Path.ToString(), b.Pid.Path.ToString());
    }
}

internal enum ConflictOutcome
{
    MineWins,
    TheirsWins,
    Free,
}
