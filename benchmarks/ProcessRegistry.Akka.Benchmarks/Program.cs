using ProcessRegistry.Akka.Benchmarks;

// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- propagation [count]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- spawn [keys per node]
// dotnet run -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- lookup   (BenchmarkDotNet)
var mode = args.FirstOrDefault() ?? "propagation";
switch (mode)
{
    case "propagation":
        var count = args.Length > 1 ? int.Parse(args[1]) : 1000;
        var pace = TimeSpan.FromMilliseconds(5);
        Console.WriteLine($"Propagation: register on A, visible in C's local view; 3 nodes on loopback, {count} registrations, one every ~{pace.TotalMilliseconds} ms after the previous arrived.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine();
        Console.WriteLine("| what | n | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, stats) in await PropagationBenchmark.Run(count, pace))
            Console.WriteLine($"| {name} | {stats.Count} | {stats.P50:F1} | {stats.P99:F1} | {stats.Max:F1} |");
        return 0;
    case "spawn":
        var perNode = args.Length > 1 ? int.Parse(args[1]) : 2000;
        Console.WriteLine($"Spawn on demand: {perNode} new keys from each of 3 nodes at once, loopback.");
        Console.WriteLine();
        Console.WriteLine("| what | keys/s |");
        Console.WriteLine("|---|---:|");
        foreach (var (name, perSecond) in await SpawnBenchmark.Run(perNode))
            Console.WriteLine($"| {name} | {perSecond:F0} |");
        return 0;
    case "register":
        var processes = args.Length > 1 ? int.Parse(args[1]) : 100_000;
        var (slowest, propagation, registrationsPerSecond) = await RegistrationBenchmark.Run(processes, workersPerNode: 100);
        Console.WriteLine($"| processes | slowest node registering | + until visible on observer | registrations/s with propagation |");
        Console.WriteLine($"|---:|---:|---:|---:|");
        Console.WriteLine($"| {processes} | {slowest.TotalMilliseconds:F0} ms | {propagation.TotalMilliseconds:F0} ms | {registrationsPerSecond:F0} |");
        return 0;
    case "lookup":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<LookupBenchmarks>();
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{mode}'. Known: propagation, spawn, register, lookup.");
        return 2;
}
