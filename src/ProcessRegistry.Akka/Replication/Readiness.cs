using Akka.Cluster;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// Whether this node's registry is ready to serve: the node is an Up member and has received a
/// whole snapshot from every peer it met on the way (so its view holds what they held then).
/// Written by the registry actor, read by anybody; it belongs to the extension, so it outlives a
/// restart of the actor, and once ready a node stays ready (later peers are not waited for).
/// </summary>
internal sealed class Readiness
{
    private readonly HashSet<UniqueAddress> _awaited = new();
    // Peers whose snapshot came before this node had met them (their MemberUp still queued).
    private readonly HashSet<UniqueAddress> _heard = new();
    private volatile bool _ready;
    private volatile string _reason = "this node is not an Up member of the cluster yet";
    private bool _up;

    public bool IsReady => _ready;

    /// <summary>Why the node is not ready; empty once it is.</summary>
    public string Reason => _ready ? "" : _reason;

    /// <summary>This node became Up.</summary>
    public void SelfUp()
    {
        _up = true;
        Decide();
    }

    /// <summary>A peer this node met before it was ready: wait for its snapshot.</summary>
    public void Await(UniqueAddress peer)
    {
        if (_ready || _heard.Contains(peer)) return;
        _awaited.Add(peer);
        Decide();
    }

    /// <summary>A peer's whole snapshot arrived, or the peer left: no more to wait for from it.</summary>
    public void Heard(UniqueAddress peer)
    {
        if (_ready) return;
        _heard.Add(peer);
        if (_awaited.Remove(peer)) Decide();
    }

    private void Decide()
    {
        if (!_up)
            _reason = "this node is not an Up member of the cluster yet";
        else if (_awaited.Count > 0)
            _reason = $"waiting for the snapshots of {_awaited.Count} peer(s): {string.Join(", ", _awaited.Select(p => p.Address))}";
        else
            _ready = true;
    }
}
