namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Rebalancing (<c>spawn.rebalance.enabled</c>): once a second, while membership changed since
/// the nodes were last even, this node moves up to <c>moves-per-second</c> of its processes whose
/// keys placement now puts on another member, by the same moves as a hand-off. A process of a
/// kind that hands off keeps its state; one of another kind starts afresh there; an immovable
/// kind's, and one spawned from props, stays.
/// </summary>
internal sealed partial class SpawnAgent
{
    // Whether every process of this node was where placement puts it at the last look, and
    // membership has not changed since.
    private bool _balanced = true;

    private void MoveMisplaced()
    {
        if (_balanced || _departure is not null || _departed || !Replication.Membership.IsUp(_cluster.SelfMember)) return;
        var members = MoveTargets(includeSelf: true);
        var moves = new Dictionary<string, Leaving>(StringComparer.Ordinal);
        var misplaced = 0;
        foreach (var (process, kind) in _kindOf)
        {
            if (kind.Immovable || !_keyOf.TryGetValue(process, out var key) || _starting.ContainsKey(key)) continue;
            var node = Placement.NodeFor(key, members.Where(member => Placement.MayHost(member.Member, _settings.SpawnRole, kind)));
            if (node is null || node.Equals(_self.Address)) continue;
            misplaced++;
            if (moves.Count < _settings.RebalanceMovesPerSecond)
                moves[key] = new Leaving(process, kind, node);
        }
        _balanced = misplaced == 0;
        if (moves.Count > 0)
            BeginMoves(moves, replyTo: null, within: _settings.AskTimeout);
    }

    private sealed class Rebalance
    {
        public static readonly Rebalance Instance = new();
    }
}
