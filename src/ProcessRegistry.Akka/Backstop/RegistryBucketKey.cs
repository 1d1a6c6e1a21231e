using Akka.DistributedData;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>The replicator's key of one <see cref="RegistryBucket"/>.</summary>
internal sealed class RegistryBucketKey(string id) : Key<RegistryBucket>(id);
