using Akka.DistributedData;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>The replicator's key of one <see cref="DurableBucket"/>.</summary>
internal sealed class DurableBucketKey(string id) : Key<DurableBucket>(id);
