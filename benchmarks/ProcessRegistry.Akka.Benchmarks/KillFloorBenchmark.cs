using System.Diagnostics;
using Akka.Actor;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// What kill cleanup costs before the registry does anything: a node stops its processes, each
/// watched by one actor, and that actor counts the Terminated; then the same with the processes
/// registered instead (the registry watches them and broadcasts each removal). The first is
/// Akka's own floor for a watched process's death (the stop, the parent's bookkeeping, the
/// death watch), which no registry on Akka can go below.
/// </summary>
internal static class KillFloorBenchmark
{
    public sealed record Row(int Round, string Shape, TimeSpan Elapsed, TimeSpan CpuPerKill);

    public static async Task<IReadOnlyList<Row>> Run(int processes, int rounds)
    {
        await using var cluster = await LoopbackCluster.Start(1);
        var node = cluster.Nodes[0];
        var rows = new List<Row>();
        for (var round = 1; round <= rounds; round++)
        {
            var watched = await RegistrationBenchmark.Started(Enumerable.Range(0, processes).Select(_ => node.ActorOf(Props.Empty)).ToArray());
            var counter = node.ActorOf(Props.Create(() => new TerminationCounter(watched)));
            await counter.Ask<Ready>(Ready.Instance, TimeSpan.FromMinutes(1));
            rows.Add(await Measure(round, "watched by one actor (Akka's floor)", watched,
                () => counter.Ask<Ready>(AllTerminated.Instance, TimeSpan.FromMinutes(2))));

            var registered = await RegistrationBenchmark.Started(Enumerable.Range(0, processes).Select(_ => node.ActorOf(Props.Empty)).ToArray());
            await RegistrationBenchmark.Workers(processes, 100, i => node.Registry().Register($"kill/{round}/{i}", registered[i]));
            rows.Add(await Measure(round, "registered (the registry watches, removes, broadcasts)", registered, async () =>
            {
                while (node.Registry().Count > 0)
                    await Task.Delay(1);
            }));
        }
        return rows;
    }

    private static async Task<Row> Measure(int round, string shape, IActorRef[] pids, Func<Task> allGone)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var pid in pids)
            pid.Tell(PoisonPill.Instance);
        await allGone();
        return new Row(round, shape, clock.Elapsed, (Process.GetCurrentProcess().TotalProcessorTime - cpu) / pids.Length);
    }

    private sealed record Ready
    {
        public static readonly Ready Instance = new();
    }

    private sealed record AllTerminated
    {
        public static readonly AllTerminated Instance = new();
    }

    private sealed class TerminationCounter : ReceiveActor
    {
        private int _alive;
        private IActorRef? _waiting;

        public TerminationCounter(IActorRef[] pids)
        {
            foreach (var pid in pids)
                Context.Watch(pid);
            _alive = pids.Length;
            Receive<Ready>(_ => Sender.Tell(Ready.Instance));
            Receive<AllTerminated>(_ =>
            {
                _waiting = Sender;
                Answer();
            });
            Receive<Terminated>(_ =>
            {
                _alive--;
                Answer();
            });
        }

        private void Answer()
        {
            if (_alive == 0) _waiting?.Tell(Ready.Instance);
        }
    }
}
