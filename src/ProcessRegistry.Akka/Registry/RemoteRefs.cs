using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Remote;

namespace ProcessRegistry.Akka.Registry;

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
        return LocalAddressFor(remote, path.Address) is { } local
            ? new RemoteActorRef(remote.Transport, local, path, (IInternalActorRef)ActorRefs.Nobody, Props.None, Deploy.None)
            : remote.ResolveActorRef(path);
    }

    /// <summary>Whether processes at <paramref name="address"/> live on another node than this one.</summary>
    public bool IsOtherNode(Address address) =>
        _system.Provider is RemoteActorRefProvider remote && LocalAddressFor(remote, address) is not null;

    private Address? LocalAddressFor(RemoteActorRefProvider remote, Address address)
    {
        if (!_localAddressFor.TryGetValue(address, out var local))
        {
            if (_localAddressFor.Count >= Capacity) _localAddressFor.Clear();
            local = remote.HasAddress(address) ? null : remote.Transport.LocalAddressForRemote(address);
            _localAddressFor[address] = local;
        }
        return local;
    }
}
