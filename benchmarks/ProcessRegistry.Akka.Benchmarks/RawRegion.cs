using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// The raw sharding baseline of the spawn benchmarks: a plain region of idle entities. Entities are
/// started as a caller who wants many would start them: every StartEntity told with one collector
/// as the sender, which counts the acks (an Ask per id would charge raw sharding a temporary actor
/// per id that a real caller need not make).
/// </summary>
internal sealed class RawRegion(ActorSystem node, IActorRef region)
{
    public IActorRef Region => region;

    public static async Task<RawRegion> Start(ActorSystem node) =>
        new(node, await ClusterSharding.Get(node).StartAsync("raw", Props.Create<SpawnBenchmark.Idle>(), ClusterShardingSettings.Create(node),
            HashCodeMessageExtractor.Create(100, m => (string)m, m => m)));

    /// <summary>Starts an entity for each of <paramref name="ids"/>; completes when every one acknowledged.</summary>
    public Task StartAll(string[] ids)
    {
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = node.ActorOf(Props.Create(() => new AckCollector(ids.Length, acknowledged)));
        foreach (var id in ids)
            region.Tell(new ShardRegion.StartEntity(id), collector);
        return acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Completes <paramref name="done"/> once <paramref name="expected"/> entities acknowledged their start.</summary>
    private sealed class AckCollector : ReceiveActor
    {
        public AckCollector(int expected, TaskCompletionSource done)
        {
            var acknowledged = 0;
            // StartEntityAck is internal to Akka.NET; the acks are all this actor receives.
            ReceiveAny(_ =>
            {
                if (++acknowledged == expected)
                {
                    done.TrySetResult();
                    Context.Stop(Self);
                }
            });
        }
    }
}
