using Akka.DistributedData;
using ProcessRegistry.Akka.Replication;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>The replicator's key of one <see cref="ReplicatedBucket{TRecord}"/>.</summary>
internal sealed class BucketKey<TRecord>(string id) : Key<ReplicatedBucket<TRecord>>(id)
    where TRecord : class, IReplicatedRecord;
