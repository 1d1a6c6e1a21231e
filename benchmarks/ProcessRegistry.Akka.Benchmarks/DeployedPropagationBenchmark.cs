using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// Register on node A (this process), time until node C (another OS process) sees it; a third node
/// (another process) makes it three. C reports each arrival with the machine's monotonic clock,
/// which this process reads too. One registration at a time, paced.
/// </summary>
internal static class DeployedPropagationBenchmark
{
    public static async Task<LatencyStats> Run(int count, TimeSpan pace)
    {
        await using var cluster = await LoopbackCluster.Start(1);
        var a = cluster.Nodes[0];
        // Every node starts the raw sharding region (the spawn benchmark's baseline); its coordinator lives here, on the oldest.
        await RawRegion.Start(a);
        var seed = Cluster.Get(a).SelfAddress.ToString();
        await using var b = DeployedNode.Start(seed, 0, 0, 0);
        await using var c = DeployedNode.Start(seed, 1, 0, 0);
        await b.Expect("UP");
        await c.Expect("UP");
        await c.Send("observe");
        await c.Expect("OBSERVING");
        var latencies = new List<double>();
        for (var i = -20; i < count; i++) // the first 20 warm the path up and are not counted
        {
            var key = $"propagation/{i}";
            var pid = a.ActorOf(Props.Empty);
            var start = Stopwatch.GetTimestamp();
            await a.Registry().Register(key, pid);
            string[] arrival;
            do arrival = (await c.Expect("ARRIVED")).Split(' ');
            while (arrival[0] != key);
            if (i >= 0) latencies.Add(Stopwatch.GetElapsedTime(start, long.Parse(arrival[1])).TotalMilliseconds);
            await Task.Delay(pace);
        }
        await Task.WhenAll(b.Quit(TimeSpan.FromSeconds(30)), c.Quit(TimeSpan.FromSeconds(30)));
        return LatencyStats.Of(latencies);
    }
}
