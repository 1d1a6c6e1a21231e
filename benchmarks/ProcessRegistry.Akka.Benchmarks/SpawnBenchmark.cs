using System.Diagnostics;
using Akka.Actor;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// New keys per second from 3 nodes at once: GetPid(key, props) against a plain sharding region
/// whose entities are started with ShardRegion.StartEntity (<see cref="RawRegion"/>), in the same
/// cluster and run.
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
        var regions = await Task.WhenAll(nodes.Select(RawRegion.Start));

        // Warm both paths so coordinator start-up and JIT are not in the figures.
        await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, 100).Select(i => node.Registry().GetPid($"warm/{n}/{i}", Props.Create<Idle>()))));
        await Task.WhenAll(regions.Select((region, n) => region.StartAll(Enumerable.Range(0, 100).Select(i => $"warm/{n}/{i}").ToArray())));

        Task<Figure> MeasureRaw() => Measure("ShardRegion StartEntity (told, one collector per node), new ids", keysPerNode * 3, () => Task.WhenAll(regions.Select((region, n) =>
            region.StartAll(Enumerable.Range(0, keysPerNode).Select(i => $"raw/{n}/{i}").ToArray()))));
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

    internal sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }
}
