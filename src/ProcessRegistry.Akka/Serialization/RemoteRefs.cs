using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Remote;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// Refs to processes of other nodes, made from their paths the way the provider makes them, but
/// with the transport's local address for each node looked up once: the provider's
/// ResolveActorRef asks the transport for it on every call (a query over its addresses), which
/// was a tenth of what reading a broadcast allocated, and the answer is the same for every
/// process of a node.
/// </summary>
internal sealed class RemoteRefs
{
    // Far above any cluster's size; only addresses of long-gone nodes could fill it.
    private const int Capacity = 1024;
    private readonly ExtendedActorSystem _system;
    // Null for this node's own addresses, whose processes the provider resolves locally.
    private readonly ConcurrentDictionary<Address, Address?> _localAddressFor = new();

    public RemoteRefs(ExtendedActorSystem system) => _system = system;

    public IActorRef Resolve(ActorPath path)
    {
        if (_system.Provider is not RemoteActorRefProvider remote) return _system.Provider.ResolveActorRef(path);
        if (!_localAddressFor.TryGetValue(path.Address, out var local))
        {
            if (_localAddressFor.Count >= Capacity) _localAddressFor.Clear();
            local = remote.HasAddress(path.Address) ? null : remote.Transport.LocalAddressForRemote(path.Address);
            _localAddressFor[path.Address] = local;
        }
        return local is null
            ? remote.ResolveActorRef(path)
            : new RemoteActorRef(remote.Transport, local, path, (IInternalActorRef)ActorRefs.Nobody, Props.None, Deploy.None);
    }
}
