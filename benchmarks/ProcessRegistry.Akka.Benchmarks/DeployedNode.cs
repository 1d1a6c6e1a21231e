using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A node of the deployment-shaped benchmarks, in its own OS process: joins the seed, says UP
/// once three members are Up, then does what each line on its input says and reports its own
/// time, CPU and GC pauses for it (DONE), or each registration it sees arrive (ARRIVED).
/// </summary>
internal static class DeployedNode
{
    /// <summary>A phase's report from a node.</summary>
    public sealed record Report(TimeSpan Elapsed, TimeSpan Cpu, TimeSpan Pauses);

    public static NodeProcess Start(string seed, int index, int perNode, int workers) =>
        NodeProcess.Start("node", seed, index.ToString(), perNode.ToString(), workers.ToString());

    /// <summary>Sends <paramref name="command"/> to <paramref name="node"/> and waits for its report.</summary>
    public static async Task<Report> Run(NodeProcess node, string command)
    {
        await node.Send(command);
        var done = (await node.Expect("DONE")).Split(' ');
        return new Report(Seconds(done[0]), Seconds(done[1]), Seconds(done[2]));
    }

    public static async Task Serve(Address seed, int index, int perNode, int workers)
    {
        await using var cluster = await LoopbackCluster.JoinExisting(seed);
        var node = cluster.Nodes[0];
        var raw = await RawRegion.Start(node);
        await LoopbackCluster.UntilUp(node, 3);
        Console.WriteLine("UP");
        var pids = Array.Empty<IActorRef>();
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "spawn":
                    pids = await RegistrationBenchmark.Started(Enumerable.Range(0, perNode).Select(_ => node.ActorOf(Props.Empty)).ToArray());
                    Console.WriteLine("SPAWNED");
                    break;
                case "register":
                    await Measure(() => RegistrationBenchmark.Workers(perNode, workers, i => node.Registry().Register($"{words[1]}/{index}/{i}", pids[i])));
                    break;
                case "unregister":
                    await Measure(() => RegistrationBenchmark.Workers(perNode, workers, i => node.Registry().Unregister($"{words[1]}/{index}/{i}")));
                    break;
                case "kill":
                    await Measure(() =>
                    {
                        foreach (var pid in pids)
                            pid.Tell(PoisonPill.Instance);
                        return Task.CompletedTask;
                    });
                    break;
                case "get-pid": // new keys, all asked at once: get-pid <prefix> [count]
                    await Measure(() => Task.WhenAll(Keys(words, index, perNode).Select(key => node.Registry().GetPid(key, Props.Create<SpawnBenchmark.Idle>()))));
                    break;
                case "start-entity": // start-entity <prefix> [count]
                    await Measure(() => raw.StartAll(Keys(words, index, perNode)));
                    break;
                case "observe":
                    node.Registry().Subscribe(node.ActorOf(Props.Create(() => new ArrivalPrinter())));
                    Console.WriteLine("OBSERVING");
                    break;
                case "quit":
                    return;
            }
        }
    }

    private static string[] Keys(string[] words, int index, int perNode) =>
        Enumerable.Range(0, words.Length > 2 ? int.Parse(words[2]) : perNode).Select(i => $"{words[1]}/{index}/{i}").ToArray();

    private static async Task Measure(Func<Task> phase)
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

    /// <summary>
    /// Prints each registration as it arrives, with the machine's monotonic timestamp, which every
    /// process on the machine reads from the same clock.
    /// </summary>
    private sealed class ArrivalPrinter : ReceiveActor
    {
        public ArrivalPrinter() => Receive<ProcessRegistered>(e => Console.WriteLine($"ARRIVED {e.Key} {Stopwatch.GetTimestamp()}"));
    }
}
