using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The receiving side of a hand-off: the successors of keys another node hands off start here by
/// their kind's factory, unregistered, so the leaving node's state message is the first each
/// receives; each registers when that node says it removed its own record.
/// </summary>
internal sealed partial class SpawnAgent
{
    private bool OnArrival(object message)
    {
        switch (message)
        {
            case PrepareSuccessors prepare:
                if (Membership.Admits(_cluster, Sender, _log, "a hand-off") && !Sender.Path.Address.HasLocalScope)
                {
                    var ready = StartSuccessors(prepare.Keys, Sender.Path.Address);
                    foreach (var chunk in MessageChunks.Of(ready, successor => 3 * successor.Key.Length + 256))
                        Sender.Tell(new SuccessorsReady(chunk));
                }
                return true;
            case RegisterSuccessors register:
                if (Membership.Admits(_cluster, Sender, _log, "a hand-off"))
                    RegisterSuccessors(register.Keys, Sender.Path.Address);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Starts a successor for each key that <paramref name="from"/> owns, of a kind this node hosts
    /// and that hands off, and that nothing here holds or is starting. Nobody but
    /// <paramref name="from"/> learns the successor's ref until it is registered.
    /// </summary>
    private List<(string Key, IActorRef Successor)> StartSuccessors(IReadOnlyList<(string Key, string Kind)> keys, Address from)
    {
        var ready = new List<(string, IActorRef)>(keys.Count);
        foreach (var (key, kindName) in keys)
        {
            if (KeyLimits.Violation(key, _settings) is not null || _starting.ContainsKey(key) || HolderHere(key) is not null) continue;
            if (!_view.TryGet(key, out var record) || !record.Owner.Address.Equals(from)) continue;
            if (!_kinds.TryGet(kindName, out var kind) || !kind.HandOff || !Placement.MayHost(_cluster.SelfMember, _settings.SpawnRole, kind)) continue;
            IActorRef successor;
            try
            {
                successor = Context.ActorOf(kind.Factory(key));
            }
            catch (Exception ex)
            {
                _log.Warning(ex, "The successor of key [{0}] could not be created.", key);
                continue;
            }
            _keyOf[successor] = key;
            _starting[key] = new Starting(successor, _clock.Now, [], kind, from);
            ready.Add((key, successor));
        }
        return ready;
    }

    /// <summary>Registers the successors <paramref name="from"/> handed state to, each over the version of the record it removed.</summary>
    private void RegisterSuccessors(IReadOnlyList<(string Key, long Over)> keys, Address from)
    {
        foreach (var (key, over) in keys)
        {
            if (_starting.TryGetValue(key, out var starting) && from.Equals(starting.From) && starting.Record is null)
                _registry.Tell(new RegisterCommand(key, starting.Process, ImmutableDictionary<string, string>.Empty, LocalOnly.Mark, over));
        }
    }
}
