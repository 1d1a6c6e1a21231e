using ProcessRegistry.Akka.Benchmarks;
using ProcessRegistry.Akka.Spawning;

// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- propagation [count]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- spawn [keys per node] [runs]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- register [processes] [runs]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- register-deployed [processes] [rounds]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- kill-floor [processes] [rounds]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- propagation-deployed [count] [writes per second]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- spawn-deployed [keys per node] [rounds]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- placement [keys before] [keys after] [runs]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- respawn [keys per kind] [runs]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- handoff [processes] [runs]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- rebalance [processes] [moves per second per node]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- roundtrip [count]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- scale [keys]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- lookup [BenchmarkDotNet arguments]
var mode = args.FirstOrDefault() ?? "propagation";
if (mode is not ("scale-joiner" or "node"))
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");
switch (mode)
{
    case "propagation":
        var count = args.Length > 1 ? int.Parse(args[1]) : 1000;
        var pace = TimeSpan.FromMilliseconds(5);
        Console.WriteLine($"Propagation: register on A, visible in C's local view; 3 nodes on loopback, {count} registrations, one every ~{pace.TotalMilliseconds} ms after the previous arrived.");
        Console.WriteLine();
        Console.WriteLine("| what | n | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, stats) in await PropagationBenchmark.Run(count, pace))
            Console.WriteLine($"| {name} | {stats.Count} | {stats.P50:F1} | {stats.P99:F1} | {stats.Max:F1} |");
        return 0;
    case "spawn":
        var perNode = args.Length > 1 ? int.Parse(args[1]) : 2000;
        var spawnRuns = args.Length > 2 ? int.Parse(args[2]) : 1;
        Console.WriteLine($"Spawn on demand: {perNode} new keys from each of 3 nodes at once, loopback; {spawnRuns} run(s), each on a new cluster, raw sharding measured first in odd runs and second in even ones.");
        Console.WriteLine();
        Console.WriteLine("| run | what | keys/s | CPU per key, 3 nodes | allocated per key, 3 nodes |");
        Console.WriteLine("|---:|---|---:|---:|---:|");
        for (var run = 1; run <= spawnRuns; run++)
        {
            foreach (var figure in await SpawnBenchmark.Run(perNode, oursFirst: run % 2 == 0))
                Console.WriteLine($"| {run} | {figure.Name} | {figure.PerSecond:F0} | {figure.CpuPerKey.TotalMicroseconds:F0} µs | {figure.BytesPerKey / 1024:F1} KB |");
            CollectPreviousCluster();
        }
        return 0;
    case "placement":
        var placedBefore = args.Length > 1 ? int.Parse(args[1]) : 30_000;
        var placedAfter = args.Length > 2 ? int.Parse(args[2]) : 10_000;
        var placementRuns = args.Length > 3 ? int.Parse(args[3]) : 1;
        Console.WriteLine($"Placement: {placedBefore} keys spawned by kind on 3 nodes, then a 4th node joins and {placedAfter} new keys are spawned; loopback; {placementRuns} run(s), each on a new cluster.");
        Console.WriteLine();
        Console.WriteLine("| run | joiner's share of new keys | shares before (lowest–highest) | keys/s before | keys/s after |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        for (var run = 1; run <= placementRuns; run++)
        {
            var placed = await PlacementBenchmark.Run(placedBefore, placedAfter);
            Console.WriteLine($"| {run} | {placed.JoinerShare:P1} | {placed.LowestShareBefore:P1}–{placed.HighestShareBefore:P1} | {placed.BeforePerSecond:F0} | {placed.AfterPerSecond:F0} |");
            CollectPreviousCluster();
        }
        return 0;
    case "respawn":
        var perKind = args.Length > 1 ? int.Parse(args[1]) : 3000;
        var respawnRuns = args.Length > 2 ? int.Parse(args[2]) : 1;
        Console.WriteLine($"Respawn: {perKind} keys of a durable kind and {perKind} of a plain one spawned on 3 nodes, then the third is downed; loopback; {respawnRuns} run(s), each on a new cluster.");
        Console.WriteLine();
        Console.WriteLine("| run | keys of the downed node (durable + plain) | downed until removed | removed until every durable key runs again, no caller | removed until a caller got every plain key |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        for (var run = 1; run <= respawnRuns; run++)
        {
            var respawn = await RespawnBenchmark.Run(perKind);
            Console.WriteLine($"| {run} | {respawn.DurableKeys} + {respawn.PlainKeys} | {respawn.DownToRemoved.TotalMilliseconds:F0} ms | {respawn.DurableBack.TotalMilliseconds:F0} ms | {respawn.PlainBack.TotalMilliseconds:F0} ms |");
            CollectPreviousCluster();
        }
        return 0;
    case "handoff":
        var handOffKeys = args.Length > 1 ? int.Parse(args[1]) : 30_000;
        var handOffRuns = args.Length > 2 ? int.Parse(args[2]) : 1;
        Console.WriteLine($"Hand-off: {handOffKeys} processes of a kind that hands off on 3 nodes; the third leaves gracefully; loopback; {handOffRuns} run(s), each on a new cluster.");
        Console.WriteLine();
        Console.WriteLine("| run | processes moved | leave until all registered elsewhere | until all answered from there | kept their state |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        for (var run = 1; run <= handOffRuns; run++)
        {
            var handOff = await HandOffBenchmark.Run(handOffKeys);
            Console.WriteLine($"| {run} | {handOff.Moved} | {handOff.AllRegistered.TotalMilliseconds:F0} ms | {handOff.AllAnswered.TotalMilliseconds:F0} ms | {handOff.StateKept} |");
            CollectPreviousCluster();
        }
        return 0;
    case "rebalance":
        var rebalanceKeys = args.Length > 1 ? int.Parse(args[1]) : 30_000;
        var rate = args.Length > 2 ? int.Parse(args[2]) : 1000;
        Console.WriteLine($"Rebalancing: {rebalanceKeys} counters of a kind that hands off on 2 nodes with rebalancing on (moves-per-second = {rate}); a third node joins; loopback.");
        var rebalanced = await HandOffBenchmark.Rebalance(rebalanceKeys, rate);
        Console.WriteLine();
        Console.WriteLine("| processes placement puts on the joiner | join until all moved there | moves/s (cluster) | kept their state |");
        Console.WriteLine("|---:|---:|---:|---:|");
        Console.WriteLine($"| {rebalanced.Moved} | {rebalanced.Elapsed.TotalMilliseconds:F0} ms | {rebalanced.Moved / rebalanced.Elapsed.TotalSeconds:F0} | {rebalanced.StateKept} |");
        return 0;
    case "register":
        var processes = args.Length > 1 ? int.Parse(args[1]) : 100_000;
        var runs = args.Length > 2 ? int.Parse(args[2]) : 1;
        Console.WriteLine($"Registration with propagation, syn's shape: {processes} processes from 2 nodes x 100 workers, a third node observes; loopback; after an unmeasured warm-up of a tenth as many registrations and unregistrations; {runs} run(s), each on a new cluster.");
        Console.WriteLine();
        Console.WriteLine("| run | phase | slowest node | + until the observer agrees | per second with propagation | CPU per operation, 3 nodes | GC pauses |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        var phases = new List<RegistrationBenchmark.Phase>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var phase in await RegistrationBenchmark.Run(processes, workersPerNode: 100))
            {
                phases.Add(phase);
                Console.WriteLine($"| {run} | {phase.Name} | {phase.Slowest.TotalMilliseconds:F0} ms | {phase.Propagation.TotalMilliseconds:F0} ms | {phase.PerSecond:F0} | {phase.CpuPerOperation.TotalMicroseconds:F1} µs | {phase.GcPauses.TotalMilliseconds:F0} ms |");
            }
            CollectPreviousCluster();
        }
        if (runs > 1)
        {
            // .NET compiles hot code a second time, optimized, while it runs (tiered compilation,
            // dynamic PGO); on two cores that work competes with the nodes for most of a first run.
            Console.WriteLine();
            Console.WriteLine($"| phase | runs 2-{runs} (a warm process): median per second with propagation | lowest | highest | run 1 (a new process) |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var phase in phases.GroupBy(p => p.Name))
            {
                var warm = phase.Skip(1).Select(p => p.PerSecond).Order().ToArray();
                var median = warm.Length % 2 == 1 ? warm[warm.Length / 2] : (warm[warm.Length / 2 - 1] + warm[warm.Length / 2]) / 2;
                Console.WriteLine($"| {phase.Key} | {median:F0} | {warm[0]:F0} | {warm[^1]:F0} | {phase.First().PerSecond:F0} |");
            }
        }
        return 0;
    case "kill-floor":
        var killed = args.Length > 1 ? int.Parse(args[1]) : 50_000;
        var killRounds = args.Length > 2 ? int.Parse(args[2]) : 3;
        Console.WriteLine($"Kill cleanup's floor in one node: {killed} processes stopped, {killRounds} rounds.");
        Console.WriteLine();
        Console.WriteLine("| round | processes | until all are gone | CPU per process |");
        Console.WriteLine("|---:|---|---:|---:|");
        foreach (var row in await KillFloorBenchmark.Run(killed, killRounds))
            Console.WriteLine($"| {row.Round} | {row.Shape} | {row.Elapsed.TotalMilliseconds:F0} ms | {row.CpuPerKill.TotalMicroseconds:F1} µs |");
        return 0;
    case "register-deployed":
        var deployedProcesses = args.Length > 1 ? int.Parse(args[1]) : 100_000;
        var rounds = args.Length > 2 ? int.Parse(args[2]) : 4;
        Console.WriteLine($"Registration with propagation, syn's shape as deployed: 3 nodes, each its own OS process on 127.0.0.1; {deployedProcesses} processes from 2 writer processes x 100 workers, this process observes; {rounds} rounds in the same processes, round 1 on new processes with no warm-up.");
        Console.WriteLine();
        Console.WriteLine("| round | phase | slowest writer | + until the observer agrees | per second with propagation | CPU per operation, 3 processes | GC pauses |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var (round, phase) in await DeployedRegistrationBenchmark.Run(deployedProcesses, workersPerNode: 100, rounds))
            Console.WriteLine($"| {round} | {phase.Name} | {phase.Slowest.TotalMilliseconds:F0} ms | {phase.Propagation.TotalMilliseconds:F0} ms | {phase.PerSecond:F0} | {phase.CpuPerOperation.TotalMicroseconds:F1} µs | {phase.GcPauses.TotalMilliseconds:F0} ms |");
        return 0;
    case "propagation-deployed":
        var deployedCount = args.Length > 1 ? int.Parse(args[1]) : 1000;
        int? deployedPerSecond = args.Length > 2 ? int.Parse(args[2]) : null;
        Console.WriteLine($"Propagation as deployed: register on A (this process), visible in C's view (another OS process; a third makes three nodes); {deployedCount} registrations, " +
            (deployedPerSecond is { } deployedRate ? $"{deployedRate} a second, each on its due time." : "one every ~5 ms after the previous arrived."));
        Console.WriteLine();
        Console.WriteLine("| what | n | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var deployedStats = deployedPerSecond is { } writes
            ? await DeployedPropagationBenchmark.RunAtRate(deployedCount, writes)
            : await DeployedPropagationBenchmark.Run(deployedCount, TimeSpan.FromMilliseconds(5));
        Console.WriteLine($"| ProcessRegistry.Akka (owner broadcast), nodes as processes | {deployedStats.Count} | {deployedStats.P50:F1} | {deployedStats.P99:F1} | {deployedStats.Max:F1} |");
        return 0;
    case "spawn-deployed":
        var deployedPerNode = args.Length > 1 ? int.Parse(args[1]) : 2000;
        var spawnRounds = args.Length > 2 ? int.Parse(args[2]) : 4;
        Console.WriteLine($"Spawn on demand as deployed: {deployedPerNode} new keys from each of 3 nodes at once, every node its own OS process; {spawnRounds} rounds in the same processes, round 1 new, the raw baseline second in odd rounds and first in even ones.");
        Console.WriteLine();
        Console.WriteLine("| round | what | keys/s | CPU per key, 3 processes |");
        Console.WriteLine("|---:|---|---:|---:|");
        foreach (var (round, figure) in await DeployedSpawnBenchmark.Run(deployedPerNode, spawnRounds))
            Console.WriteLine($"| {round} | {figure.Name} | {figure.PerSecond:F0} | {figure.CpuPerKey.TotalMicroseconds:F0} µs |");
        return 0;
    case "node": // started by the deployment-shaped benchmarks as a node's own process
        await DeployedNode.Serve(Akka.Actor.Address.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
        return 0;
    case "roundtrip":
        var trips = args.Length > 1 ? int.Parse(args[1]) : 5000;
        const int askers = 50;
        Console.WriteLine($"Round trip to an existing process on another node; 3 nodes on loopback, {trips} asks sequentially, then {trips} by {askers} concurrent askers.");
        Console.WriteLine();
        Console.WriteLine("| what | sequential p50 ms | p99 ms | max ms | concurrent asks/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, sequential, perSecond) in await RoundTripBenchmark.Run(trips, askers))
            Console.WriteLine($"| {name} | {sequential.P50:F3} | {sequential.P99:F3} | {sequential.Max:F3} | {perSecond:F0} |");
        return 0;
    case "scale":
        var keys = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        Console.WriteLine($"Scale: {keys} keys registered by their owners on 3 nodes (one process each), then a fourth node joins.");
        var scale = await ScaleBenchmark.Run(keys);
        Console.WriteLine();
        Console.WriteLine("| figure | ours | peer (same run) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| distributed-key-count | {scale.Buckets} | |");
        Console.WriteLine($"| registering all, until all 3 nodes hold every entry | {scale.Registering.TotalSeconds:F1} s | |");
        Console.WriteLine($"| managed memory per entry per node | {scale.BytesPerEntryPerNode:F0} B | ConcurrentDictionary<string, IActorRef>: {scale.FloorBytesPerEntry:F0} B |");
        Console.WriteLine($"| the same once every pid was read on every node | {scale.BytesPerEntryPerNodeAllRead:F0} B | |");
        Console.WriteLine($"| a new node (another process) holds every entry, from its start | {scale.JoinerFromStart.TotalSeconds:F1} s | |");
        Console.WriteLine($"| the same, from the moment it is Up | {scale.JoinerFromUp.TotalSeconds:F1} s | |");
        Console.WriteLine($"| CPU meanwhile: the new node's process, the three nodes' process | {scale.JoinerCpuFromUp.TotalSeconds:F1} s, {scale.SeedsCpuFromUp.TotalSeconds:F1} s | |");
        Console.WriteLine($"| GetPid hit at this size | {scale.LookupNanos:F1} ns | ConcurrentDictionary.TryGetValue: {scale.FloorLookupNanos:F1} ns |");
        return 0;
    case "scale-joiner": // started by "scale" as the joining node's own process
        await ScaleBenchmark.RunJoiner(Akka.Actor.Address.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]));
        return 0;
    case "lookup":
        // Further arguments go to BenchmarkDotNet, e.g. --filter '*GetPid*' '*TryGetValue*'.
        BenchmarkDotNet.Running.BenchmarkRunner.Run<LookupBenchmarks>(args: args[1..]);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{mode}'. Known: propagation, spawn, placement, respawn, handoff, rebalance, register, register-deployed, kill-floor, propagation-deployed, spawn-deployed, roundtrip, scale, lookup.");
        return 2;
}

// The last cluster's garbage is collected here, not in the next run's measurements.
static void CollectPreviousCluster() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
