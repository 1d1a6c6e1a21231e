using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// New keys per second from 3 nodes at once: GetPid(key, props) against a plain sharding region
/// whose entities are started with ShardRegion.StartEntity, in the same cluster and run. The raw
/// side is told, not asked: each node sends every StartEntity with one collector as the sender,
/// which counts the StartEntityAck replies (an Ask per id would charge raw sharding a temporary
/// actor per id that a real caller need not make).
/// </summary>
internal static class SpawnBenchmark
{
    /// <param name="PerSecond">New keys per second, all three nodes together.</param>
    /// <param name="CpuPerKey">The process's CPU time over the phase (all three nodes) per new key.</param>
    /// <param name="BytesPerKey">Managed memory the process allocated over the phase (all three nodes) per new key.</param>
    public sealed record Figure(string Name, double PerSecond, TimeSpan CpuPerKey, double BytesPerKey);

    /// <param name="oursFirst">Which path goes first; alternating it between runs keeps the second
    /// path's heap of the first one's actors out of only one side's figures.</param>
    public static async Task<IReadOnlyList<Figure>> Run(int keysPerNode, bool oursFirst)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var nodes = cluster.Nodes;
        var regions = await Task.WhenAll(nodes.Select(node => ClusterSharding.Get(node).StartAsync(
            "raw", Props.Create<Idle>(), ClusterShardingSettings.Create(node),
            HashCodeMessageExtractor.Create(100, m => (string)m, m => m))));

        // Warm both paths so coordinator start-up and JIT are not in the figures.
        await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, 100).Select(i => node.Registry().GetPid($"warm/{n}/{i}", Props.Create<Idle>()))));
        await Task.WhenAll(regions.SelectMany((region, n) => Enumerable.Range(0, 100).Select(i => region.Ask<object>(new ShardRegion.StartEntity($"warm/{n}/{i}"), TimeSpan.FromSeconds(30)))));

        Task<Figure> MeasureRaw() => Measure("ShardRegion StartEntity (told, one collector per node), new ids", keysPerNode * 3, () => Task.WhenAll(regions.Select((region, n) =>
        {
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var collector = nodes[n].ActorOf(Props.Create(() => new AckCollector(keysPerNode, acknowledged)));
            for (var i = 0; i < keysPerNode; i++)
                region.Tell(new ShardRegion.StartEntity($"raw/{n}/{i}"), collector);
            return acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        })));
        Task<Figure> MeasureOurs() => Measure("GetPid(key, props), new keys", keysPerNode * 3, () => Task.WhenAll(nodes.Select((node, n) => Task.WhenAll(
            Enumerable.Range(0, keysPerNode).Select(i => node.Registry().GetPid($"spawn/{n}/{i}", Props.Create<Idle>()))))));
        if (oursFirst)
        {
            var ours = await MeasureOurs();
            return [ours, await MeasureRaw()];
        }
        var raw = await MeasureRaw();
        return [await MeasureOurs(), raw];
    }

    private static async Task<Figure> Measure(string name, int count, Func<Task> work)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await work();
        var elapsed = clock.Elapsed;
        return new Figure(name, count / elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu) / count,
            (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / count);
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
                    done.TrySetResult();
            });
        }
    }

    internal sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }
}
