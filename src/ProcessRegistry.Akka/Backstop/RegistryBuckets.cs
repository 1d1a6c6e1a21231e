using Akka.DistributedData;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// The top-level DData keys the registry is split over, and the stable hash that picks a
/// key's bucket. Stable across processes and platforms (string.GetHashCode is not), so every
/// node puts a key in the same bucket.
/// </summary>
internal sealed class RegistryBuckets
{
    private readonly Dictionary<string, int> _indexById;

    public RegistryBuckets(int count)
    {
        Keys = Enumerable.Range(0, count)
            .Select(i => new RegistryBucketKey($"process-registry-{i}"))
            .ToArray();
        _indexById = Keys.Select((key, index) => (key.Id, index)).ToDictionary(p => p.Id, p => p.index);
    }

    public IReadOnlyList<RegistryBucketKey> Keys { get; }

    public int Count => Keys.Count;

    public int IndexOf(string key) => StableHash.SlotOf(key, Keys.Count);

    public bool TryIndexOf(IKey key, out int index) => _indexById.TryGetValue(key.Id, out index);
}
