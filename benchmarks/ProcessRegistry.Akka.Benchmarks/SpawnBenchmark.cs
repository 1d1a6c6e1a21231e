using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// New keys per second from 3 nodes at once: GetPid(key, props) against a plain sharding region
/// whose entities are started with ShardRegion.StartEntity, in the same cluster and run.
/// </summary>
internal static class SpawnBenchmark
{
    public static async Task<IReadOnlyList<(string Name, double PerSecond)>> Run(int keysPerNode)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var nodes = cluster.Nodes;
        var regions = await Task.WhenAll(nodes.Select(node => ClusterSharding.Get(node).StartAsync(
            "raw", Props.Create<Idle>(), ClusterShardingSettings.Create(node),
            HashCodeMessageExtractor.Create(100, m => (string)m, m => m))));

        // Warm both paths so coordinator start-up and JIT are not in the figures.
        await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, 100).Select(i => node.Registry().GetPid($"warm/{n}/{i}", Props.Create<Idle>()))));
        await Task.WhenAll(regions.SelectMany((region, n) => Enumerable.Range(0, 100).Select(i => region.Ask<object>(new ShardRegion.StartEntity($"warm/{n}/{i}"), TimeSpan.FromSeconds(30)))));

        var raw = await Time(keysPerNode * 3, () => Task.WhenAll(regions.Select((region, n) => Task.WhenAll(
            Enumerable.Range(0, keysPerNode).Select(i => region.Ask<object>(new ShardRegion.StartEntity($"raw/{n}/{i}"), TimeSpan.FromSeconds(60)))))));
        var ours = await Time(keysPerNode * 3, () => Task.WhenAll(nodes.Select((node, n) => Task.WhenAll(
            Enumerable.Range(0, keysPerNode).Select(i => node.Registry().GetPid($"spawn/{n}/{i}", Props.Create<Idle>()))))));
        return [("GetPid(key, props), new keys", ours), ("ShardRegion StartEntity, new ids", raw)];
    }

    private static async Task<double> Time(int count, Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return count / clock.Elapsed.TotalSeconds;
    }

    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }
}
