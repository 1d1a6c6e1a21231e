using System.Diagnostics;
using Akka.Actor;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// syn's benchmark shape: processes registered from 2 nodes by concurrent workers, observed
/// from a third; registrations/s with propagation = processes / (slowest node's registration
/// time + the time after it until the observer holds every entry).
/// </summary>
internal static class RegistrationBenchmark
{
    public static async Task<(TimeSpan Slowest, TimeSpan Propagation, double PerSecond)> Run(int processes, int workersPerNode)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (writers, observer) = (cluster.Nodes[..2], cluster.Nodes[2]);
        var perNode = processes / writers.Length;
        var pids = writers.Select(node => Enumerable.Range(0, perNode).Select(_ => node.ActorOf(Props.Empty)).ToArray()).ToArray();

        var clock = Stopwatch.StartNew();
        var durations = await Task.WhenAll(writers.Select((node, n) => RegisterAll(node, n, pids[n], workersPerNode, clock)));
        var slowest = durations.Max();
        while (observer.Registry().Count < perNode * writers.Length)
            await Task.Delay(1);
        var propagation = clock.Elapsed - slowest;
        return (slowest, propagation, perNode * writers.Length / clock.Elapsed.TotalSeconds);
    }

    private static async Task<TimeSpan> RegisterAll(ActorSystem node, int nodeIndex, IActorRef[] pids, int workers, Stopwatch clock)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pids.Length)
                await node.Registry().Register($"p/{nodeIndex}/{i}", pids[i]);
        }));
        return clock.Elapsed;
    }
}
