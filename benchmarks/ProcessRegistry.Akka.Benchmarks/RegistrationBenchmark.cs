using System.Diagnostics;
using Akka.Actor;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// syn's benchmark shape: processes registered from 2 nodes by concurrent workers, observed from
/// a third; then unregistered, registered again, and finally all killed. Each phase's rate with
/// propagation = processes / (slowest node's time + the time after it until the observer agrees),
/// as syn computes it.
/// </summary>
internal static class RegistrationBenchmark
{
    /// <param name="CpuPerOperation">The process's CPU time over the phase (all three nodes) per operation.</param>
    /// <param name="GcPauses">How long the garbage collector stopped the process (all three nodes) during the phase.</param>
    public sealed record Phase(string Name, TimeSpan Slowest, TimeSpan Propagation, double PerSecond, TimeSpan CpuPerOperation, TimeSpan GcPauses);

    public static async Task<IReadOnlyList<Phase>> Run(int processes, int workersPerNode)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (writers, observer) = (cluster.Nodes[..2], cluster.Nodes[2]);
        var perNode = processes / writers.Length;
        var total = perNode * writers.Length;
        var pids = writers.Select(node => Enumerable.Range(0, perNode).Select(_ => node.ActorOf(Props.Empty)).ToArray()).ToArray();
        string Key(int node, int i) => $"p/{node}/{i}";
        string WarmUpKey(int node, int i) => $"w/{node}/{i}";
        await Started(pids.SelectMany(node => node).ToArray());

        Task<Phase> Measure(string name, Func<ActorSystem, int, int, Task> operation, int expected, int? count = null) =>
            MeasurePhase(name, writers, count ?? perNode, workersPerNode, operation, () => observer.Registry().Count == expected);

        // A tenth of the work first, unmeasured, so the first phase does not pay every method's
        // first compilation; recompiling the hot ones optimized (tiered compilation) goes on well
        // beyond it on two cores, which is why the program reports a process's later runs apart.
        var warmUp = perNode / 10;
        await Measure("warm-up", (node, n, i) => node.Registry().Register(WarmUpKey(n, i), pids[n][i]), warmUp * writers.Length, warmUp);
        await Measure("warm-up", (node, n, i) => node.Registry().Unregister(WarmUpKey(n, i)), 0, warmUp);

        return
        [
            await Measure("register", (node, n, i) => node.Registry().Register(Key(n, i), pids[n][i]), total),
            await Measure("unregister", (node, n, i) => node.Registry().Unregister(Key(n, i)), 0),
            await Measure("re-register", (node, n, i) => node.Registry().Register(Key(n, i), pids[n][i]), total),
            await Measure("cleanup after killing every process", (_, n, i) =>
            {
                pids[n][i].Tell(PoisonPill.Instance);
                return Task.CompletedTask;
            }, 0),
        ];
    }

    private static async Task<Phase> MeasurePhase(
        string name, ActorSystem[] writers, int perNode, int workers, Func<ActorSystem, int, int, Task> operation, Func<bool> observed)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pauses = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        var durations = await Task.WhenAll(writers.Select(async (node, n) =>
        {
            await Workers(perNode, workers, i => operation(node, n, i));
            return clock.Elapsed;
        }));
        var slowest = durations.Max();
        while (!observed())
            await Task.Delay(1);
        var elapsed = clock.Elapsed;
        var operations = perNode * writers.Length;
        var cpuPerOperation = (Process.GetCurrentProcess().TotalProcessorTime - cpu) / operations;
        return new Phase(name, slowest, elapsed - slowest, operations / elapsed.TotalSeconds, cpuPerOperation, GC.GetTotalPauseDuration() - pauses);
    }

    /// <summary><paramref name="operation"/> for 0 … <paramref name="count"/> - 1, by <paramref name="workers"/> concurrent workers, as syn's benchmark does.</summary>
    /// <summary>
    /// <paramref name="pids"/> once every one of them has started. syn spawns its processes before
    /// the clock starts; an ActorOf returns before the actor starts, so without this their starts
    /// would be measured with what follows.
    /// </summary>
    public static async Task<IActorRef[]> Started(IActorRef[] pids)
    {
        foreach (var chunk in pids.Chunk(1000))
            await Task.WhenAll(chunk.Select(pid => pid.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromMinutes(1))));
        return pids;
    }

    public static Task Workers(int count, int workers, Func<int, Task> operation)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await operation(i);
        }));
    }
}
