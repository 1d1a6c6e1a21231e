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
    public sealed record Phase(string Name, TimeSpan Slowest, TimeSpan Propagation, double PerSecond);

    public static async Task<IReadOnlyList<Phase>> Run(int processes, int workersPerNode)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (writers, observer) = (cluster.Nodes[..2], cluster.Nodes[2]);
        var perNode = processes / writers.Length;
        var total = perNode * writers.Length;
        var pids = writers.Select(node => Enumerable.Range(0, perNode).Select(_ => node.ActorOf(Props.Empty)).ToArray()).ToArray();
        string Key(int node, int i) => $"p/{node}/{i}";

        Task<Phase> Measure(string name, Func<ActorSystem, int, int, Task> operation, int expected) =>
            MeasurePhase(name, writers, perNode, workersPerNode, operation, () => observer.Registry().Count == expected);

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
        var clock = Stopwatch.StartNew();
        var durations = await Task.WhenAll(writers.Select(async (node, n) =>
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < perNode)
                    await operation(node, n, i);
            }));
            return clock.Elapsed;
        }));
        var slowest = durations.Max();
        while (!observed())
            await Task.Delay(1);
        return new Phase(name, slowest, clock.Elapsed - slowest, perNode * writers.Length / clock.Elapsed.TotalSeconds);
    }
}
