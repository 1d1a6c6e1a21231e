using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// New keys per second from 3 nodes at once, every node its own OS process (this one is the
/// first): GetPid(key, props) against the raw sharding baseline (<see cref="RawRegion"/>), in the
/// same processes, alternating which goes first; round 1 is new processes, later rounds warm.
/// Before round 1, both paths start 100 keys per node unmeasured, so that both regions have
/// allocated their shards (a cluster's one-time cost, which would fall on whichever goes first).
/// </summary>
internal static class DeployedSpawnBenchmark
{
    public static async Task<IReadOnlyList<(int Round, SpawnBenchmark.Figure Figure)>> Run(int keysPerNode, int rounds)
    {
        await using var cluster = await LoopbackCluster.Start(1);
        var here = cluster.Nodes[0];
        var raw = await RawRegion.Start(here);
        var seed = Cluster.Get(here).SelfAddress.ToString();
        await using var node1 = DeployedNode.Start(seed, 1, keysPerNode, 0);
        await using var node2 = DeployedNode.Start(seed, 2, keysPerNode, 0);
        NodeProcess[] others = [node1, node2];
        foreach (var node in others)
            await node.Expect("UP");
        await Measure("warm-up", others, "get-pid w 100", 100, () => Task.WhenAll(Enumerable.Range(0, 100).Select(i => here.Registry().GetPid($"w/0/{i}", Props.Create<SpawnBenchmark.Idle>()))));
        await Measure("warm-up", others, "start-entity rw 100", 100, () => raw.StartAll(Enumerable.Range(0, 100).Select(i => $"rw/0/{i}").ToArray()));
        var results = new List<(int, SpawnBenchmark.Figure)>();
        for (var round = 1; round <= rounds; round++)
        {
            var keys = Enumerable.Range(0, keysPerNode).Select(i => $"s{round}/0/{i}").ToArray();
            var ids = Enumerable.Range(0, keysPerNode).Select(i => $"raw{round}/0/{i}").ToArray();
            Task<SpawnBenchmark.Figure> Ours() => Measure("GetPid(key, props), new keys", others, $"get-pid s{round}", keysPerNode,
                () => Task.WhenAll(keys.Select(key => here.Registry().GetPid(key, Props.Create<SpawnBenchmark.Idle>()))));
            Task<SpawnBenchmark.Figure> Raw() => Measure("ShardRegion StartEntity (told, one collector per node), new ids", others, $"start-entity raw{round}", keysPerNode,
                () => raw.StartAll(ids));
            if (round % 2 == 1)
            {
                results.Add((round, await Ours()));
                results.Add((round, await Raw()));
            }
            else
            {
                results.Add((round, await Raw()));
                results.Add((round, await Ours()));
            }
        }
        return results;
    }

    private static async Task<SpawnBenchmark.Figure> Measure(string name, NodeProcess[] others, string command, int keysPerNode, Func<Task> here)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var remote = Task.WhenAll(others.Select(node => DeployedNode.Run(node, command)));
        await here();
        var hereElapsed = clock.Elapsed;
        var hereCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var reports = await remote;
        var slowest = reports.Select(report => report.Elapsed).Append(hereElapsed).Max();
        var keys = keysPerNode * 3;
        var totalCpu = reports.Aggregate(hereCpu, (sum, report) => sum + report.Cpu);
        // Allocation is not reported across processes; the in-process spawn benchmark gives it.
        return new SpawnBenchmark.Figure(name, keys / slowest.TotalSeconds, totalCpu / keys, double.NaN);
    }
}
