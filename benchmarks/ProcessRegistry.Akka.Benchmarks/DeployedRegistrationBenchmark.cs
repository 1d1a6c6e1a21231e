using System.Diagnostics;
using System.Globalization;
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
        var seed = Cluster.Get(observer).SelfAddress.ToString();
        var perNode = processes / 2;
        var writers = new[] { NodeProcess.Start("register-writer", seed, "0", perNode.ToString(), workersPerNode.ToString()),
                              NodeProcess.Start("register-writer", seed, "1", perNode.ToString(), workersPerNode.ToString()) };
        try
        {
            foreach (var writer in writers)
                await writer.Expect("UP");
            await Until(() => Cluster.Get(observer).State.Members.Count(m => m.Status == MemberStatus.Up) == 3);
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
        finally
        {
            // Each writer leaves the cluster before it exits, so the observer is not left retrying
            // to reach a node that vanished.
            await Task.WhenAll(writers.Select(async writer =>
            {
                await writer.Quit(TimeSpan.FromSeconds(30));
                await writer.DisposeAsync();
            }));
        }
    }

    private static async Task<RegistrationBenchmark.Phase> Measure(string name, NodeProcess[] writers, string command, Func<bool> observed, int operations)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pauses = GC.GetTotalPauseDuration();
        var reports = await Task.WhenAll(writers.Select(async writer =>
        {
            await writer.Send(command);
            var done = (await writer.Expect("DONE")).Split(' ');
            return (Elapsed: Seconds(done[0]), Cpu: Seconds(done[1]), Pauses: Seconds(done[2]));
        }));
        var afterReports = Stopwatch.StartNew();
        await Until(observed);
        var propagation = afterReports.Elapsed;
        var slowest = reports.Max(report => report.Elapsed);
        var totalCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu + reports.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Cpu);
        var totalPauses = GC.GetTotalPauseDuration() - pauses + reports.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Pauses);
        return new RegistrationBenchmark.Phase(name, slowest, propagation, operations / (slowest + propagation).TotalSeconds, totalCpu / operations, totalPauses);
    }

    /// <summary>A writer node: joins <paramref name="seed"/>, then runs each phase it is told to with its workers and reports its own time, CPU and GC pauses.</summary>
    public static async Task RunWriter(Address seed, int index, int perNode, int workers)
    {
        await using var cluster = await LoopbackCluster.JoinExisting(seed);
        var node = cluster.Nodes[0];
        await Until(() => Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up) == 3);
        Console.WriteLine("UP");
        var pids = Array.Empty<IActorRef>();
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "spawn":
                    pids = Enumerable.Range(0, perNode).Select(_ => node.ActorOf(Props.Empty)).ToArray();
                    // syn spawns its processes before the clock starts; an ActorOf returns before the actor starts.
                    foreach (var chunk in pids.Chunk(1000))
                        await Task.WhenAll(chunk.Select(pid => pid.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromMinutes(1))));
                    Console.WriteLine("SPAWNED");
                    break;
                case "register":
                    await Report(() => RegistrationBenchmark.Workers(perNode, workers, i => node.Registry().Register($"{words[1]}/{index}/{i}", pids[i])));
                    break;
                case "unregister":
                    await Report(() => RegistrationBenchmark.Workers(perNode, workers, i => node.Registry().Unregister($"{words[1]}/{index}/{i}")));
                    break;
                case "quit":
                    return;
                case "kill":
                    await Report(() =>
                    {
                        foreach (var pid in pids)
                            pid.Tell(PoisonPill.Instance);
                        return Task.CompletedTask;
                    });
                    break;
            }
        }
    }

    private static async Task Report(Func<Task> phase)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pauses = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        await phase();
        var elapsed = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DONE {elapsed.TotalSeconds} {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds} {(GC.GetTotalPauseDuration() - pauses).TotalSeconds}"));
    }

    private static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));

    private static async Task Until(Func<bool> condition)
    {
        while (!condition())
            await Task.Delay(1);
    }
}
