using Akka.DistributedData;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// The top-level DData keys a table is split over, and the stable hash that picks a key's
/// bucket. Stable across processes and platforms (string.GetHashCode is not), so every node puts
/// a key in the same bucket.
/// </summary>
internal sealed class BucketKeys<TRecord>
    where TRecord : class, IReplicatedRecord
{
    private readonly Dictionary<string, int> _indexById;

    /// <remarks><paramref name="prefix"/>: names the table's keys: <c>{prefix}-{index}</c>.</remarks>
    public BucketKeys(string prefix, int count)
    {
        Keys = Enumerable.Range(0, count)
            .Select(i => new BucketKey<TRecord>($"{prefix}-{i}"))
            .ToArray();
        _indexById = Keys.Select((key, index) => (key.Id, index)).ToDictionary(p => p.Id, p => p.index);
    }

    public IReadOnlyList<BucketKey<TRecord>> Keys { get; }

    public int Count => Keys.Count;

    public int IndexOf(string key) => StableHash.SlotOf(key, Keys.Count);

    public bool TryIndexOf(IKey key, out int index) => _indexById.TryGetValue(key.Id, out index);
}
