using Akka.DistributedData;

namespace ProcessRegistry.Akka.Replication;

/// <summary>The replicator's key of one <see cref="RegistryBucket"/>.</summary>
internal sealed class RegistryBucketKey(string id) : Key<RegistryBucket>(id);
