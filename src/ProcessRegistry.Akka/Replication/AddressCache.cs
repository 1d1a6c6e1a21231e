using System.Collections.Concurrent;
using Akka.Actor;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// Parsed node addresses by their text. Every record names its owner, a cluster has few owners,
/// and Address.Parse costs microseconds, which made it a large part of reading a record.
/// </summary>
internal sealed class AddressCache
{
    // Far above any cluster's size; only addresses of long-gone nodes could fill it.
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, Address> _parsed = new(StringComparer.Ordinal);

    public Address Parse(string text)
    {
        if (_parsed.TryGetValue(text, out var address)) return address;
        address = Address.Parse(text);
        if (_parsed.Count >= Capacity) _parsed.Clear();
        _parsed[text] = address;
        return address;
    }
}
