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
        return await PropagationBenchmark.MeasureRegistrations(a, count, pace, async key =>
        {
            string[] arrival;
            do arrival = (await c.Expect("ARRIVED")).Split(' ');
            while (arrival[0] != key);
            return long.Parse(arrival[1]);
        });
    }
}
