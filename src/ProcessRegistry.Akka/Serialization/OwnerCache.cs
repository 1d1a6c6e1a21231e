using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Serialization;

/// <summary>
/// Owners' unique addresses by their text and uid. Every record names its owner, a cluster has
/// few owners, and Address.Parse costs microseconds, which made it a large part of reading a
/// record; sharing one instance per owner also saves memory in every replicated record.
/// </summary>
internal sealed class OwnerCache
{
    // Far above any cluster's size; only addresses of long-gone nodes could fill it.
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<(string Text, int Uid), UniqueAddress> _parsed = new();

    public UniqueAddress Parse(string text, int uid)
    {
        if (_parsed.TryGetValue((text, uid), out var owner)) return owner;
        owner = new UniqueAddress(Address.Parse(text), uid);
        if (_parsed.Count >= Capacity) _parsed.Clear();
        _parsed[(text, uid)] = owner;
        return owner;
    }
}
