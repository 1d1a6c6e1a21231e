using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// syn's benchmark in the shape both are deployed in: every node its own OS process. This process
/// is the observer (syn's master node); the two writers are processes of their own, each with
/// 100 workers. Each round registers, unregisters, registers again and kills every process, and
/// each phase's rate is syn's: processes / (the slowest writer's own time + the time after both
/// reported until the observer agrees). Round 1 is a new process (no warm-up, as in syn); later
/// rounds run in the same processes, warm.
/// </summary>
internal static class DeployedRegistrationBenchmark
{
    private static readonly string[] Phases = ["register", "unregister", "re-register", "cleanup after killing every process"];

    public static async Task<IReadOnlyList<(int Round, RegistrationBenchmark.Phase Phase)>> Run(int processes, int workersPerNode, int rounds)
    {
        await using var cluster = await LoopbackCluster.Start(1);
        var observer = cluster.Nodes[0];
        // Every node starts the raw sharding region (the spawn benchmark's baseline); its coordinator lives here, on the oldest.
        await RawRegion.Start(observer);
        var seed = Cluster.Get(observer).SelfAddress.ToString();
        var perNode = processes / 2;
        await using var writer0 = DeployedNode.Start(seed, 0, perNode, workersPerNode);
        await using var writer1 = DeployedNode.Start(seed, 1, perNode, workersPerNode);
        NodeProcess[] writers = [writer0, writer1];
        foreach (var writer in writers)
            await writer.Expect("UP");
        await LoopbackCluster.UntilUp(observer, 3);
        var results = new List<(int, RegistrationBenchmark.Phase)>();
        for (var round = 1; round <= rounds; round++)
        {
            await Task.WhenAll(writers.Select(async writer => { await writer.Send("spawn"); await writer.Expect("SPAWNED"); }));
            var prefix = $"r{round}";
            int[] expected = [perNode * 2, 0, perNode * 2, 0];
            string[] commands = [$"register {prefix}", $"unregister {prefix}", $"register {prefix}", "kill"];
            for (var phase = 0; phase < Phases.Length; phase++)
                results.Add((round, await Measure(Phases[phase], writers, commands[phase], () => observer.Registry().Count == expected[phase], perNode * 2)));
        }
        return results;
    }

    private static async Task<RegistrationBenchmark.Phase> Measure(string name, NodeProcess[] writers, string command, Func<bool> observed, int operations)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pauses = GC.GetTotalPauseDuration();
        var reports = await Task.WhenAll(writers.Select(writer => DeployedNode.Run(writer, command)));
        var afterReports = Stopwatch.StartNew();
        await Until(observed);
        var propagation = afterReports.Elapsed;
        var slowest = reports.Max(report => report.Elapsed);
        var totalCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu + reports.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Cpu);
        var totalPauses = GC.GetTotalPauseDuration() - pauses + reports.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Pauses);
        return new RegistrationBenchmark.Phase(name, slowest, propagation, operations / (slowest + propagation).TotalSeconds, totalCpu / operations, totalPauses);
    }

    private static async Task Until(Func<bool> condition)
    {
        while (!condition())
            await Task.Delay(1);
    }
}
