using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A registry of <c>keys</c> entries on 3 nodes: managed memory each node's replica costs per entry
/// (next to a ConcurrentDictionary of the same keys and refs, the floor), time for a fourth node
/// (another OS process) to hold every entry after it starts, and GetPid speed at that size next
/// to ConcurrentDictionary.
/// </summary>
internal static class ScaleBenchmark
{
    public sealed record Result(
        int Keys, int Buckets, TimeSpan Registering, double BytesPerEntryPerNode, double BytesPerEntryPerNodeAllRead, double FloorBytesPerEntry,
        TimeSpan JoinerFromStart, TimeSpan JoinerFromUp, TimeSpan JoinerCpuFromUp, TimeSpan SeedsCpuFromUp, double LookupNanos, double FloorLookupNanos);

    public static async Task<Result> Run(int keys)
    {
        // Sized by the rule in reference.conf: about 500 entries (25 KB) per bucket at this size.
        var buckets = Math.Max(512, (int)BitOperations.RoundUpToPowerOf2((uint)(keys / 500)));
        await using var cluster = await LoopbackCluster.Start(3, $"akka.cluster.process-registry.distributed-key-count = {buckets}");
        var nodes = cluster.Nodes;
        var names = Enumerable.Range(0, keys).Select(i => $"scale/{i}").ToArray();
        var pids = names.Select((_, i) => nodes[i % nodes.Length].ActorOf(Props.Empty)).ToArray();

        // The floor first, while the cluster is idle: the same keys and refs in one dictionary.
        var floor = new ConcurrentDictionary<string, IActorRef>();
        var floorBefore = Heap();
        for (var i = 0; i < keys; i++)
            floor[new string(names[i])] = pids[i];
        var floorPerEntry = (Heap() - floorBefore) / (double)keys;

        var before = Heap();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select((node, n) => RegisterShare(node, n, nodes.Length, names, pids)));
        await Until(() => nodes.All(node => node.Registry().Count == keys));
        var registering = clock.Elapsed;
        // Weighed once DData gossip has also brought every record to every replica: the views
        // fill from the broadcasts well before that, and the replicas' share would be missing.
        await Until(async () => (await Task.WhenAll(nodes.Select(ReplicatedRecords))).All(count => count == keys), TimeSpan.FromSeconds(1));
        var perEntryPerNode = (Heap() - before) / (double)keys / nodes.Length;
        // A node builds another node's pid the first time it is read: the most it can cost is
        // with every pid read on every node.
        foreach (var node in nodes)
            foreach (var name in names)
                if (node.Registry().GetPid(name) is null) throw new InvalidOperationException($"{name} is missing.");
        var perEntryPerNodeAllRead = (Heap() - before) / (double)keys / nodes.Length;

        // Right after the collection above, before a joiner makes the cluster busy again.
        var (lookup, floorLookup) = MeasureLookups(nodes[2].Registry(), floor, names);

        var joined = await JoinFromAnotherProcess(Cluster.Get(nodes[0]).SelfAddress, keys, buckets);
        GC.KeepAlive(floor);
        return new Result(keys, buckets, registering, perEntryPerNode, perEntryPerNodeAllRead, floorPerEntry,
            joined.FromStart, joined.FromUp, joined.JoinerCpu, joined.SeedsCpu, lookup, floorLookup);
    }

    /// <summary>
    /// The joining node is its own OS process, as in a deployment: a node in this process would
    /// share (and wait for) the garbage collector of three nodes holding every entry. Besides the
    /// times, the CPU each side spends from the joiner's Up until it holds every entry, which
    /// tells what bounds the time: the joiner taking records in, or the nodes sending them.
    /// </summary>
    private static async Task<(TimeSpan FromStart, TimeSpan FromUp, TimeSpan JoinerCpu, TimeSpan SeedsCpu)> JoinFromAnotherProcess(Address seed, int keys, int buckets)
    {
        var clock = Stopwatch.StartNew();
        await using var joiner = NodeProcess.Start("scale-joiner", seed.ToString(), keys.ToString(), buckets.ToString());
        await joiner.Expect("UP ");
        var up = clock.Elapsed;
        var seedsCpuAtUp = Process.GetCurrentProcess().TotalProcessorTime;
        var joinerCpu = TimeSpan.FromMilliseconds(double.Parse(await joiner.Expect("HOLDS ALL"), CultureInfo.InvariantCulture));
        var seedsCpu = Process.GetCurrentProcess().TotalProcessorTime - seedsCpuAtUp;
        return (clock.Elapsed, clock.Elapsed - up, joinerCpu, seedsCpu);
    }

    /// <summary>
    /// The joining process: joins <paramref name="seed"/>, says when it is Up, and when it holds
    /// every entry with the CPU it spent since it was Up, in milliseconds.
    /// </summary>
    public static async Task RunJoiner(Address seed, int keys, int buckets)
    {
        await using var cluster = await LoopbackCluster.JoinExisting(seed, $"akka.cluster.process-registry.distributed-key-count = {buckets}");
        Console.WriteLine("UP " + Cluster.Get(cluster.Nodes[0]).SelfAddress);
        var cpuAtUp = Process.GetCurrentProcess().TotalProcessorTime;
        await Until(() => cluster.Nodes[0].Registry().Count == keys);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtUp;
        Console.WriteLine("HOLDS ALL " + cpu.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture));
    }

    private static async Task RegisterShare(ActorSystem node, int n, int nodeCount, string[] names, IActorRef[] pids)
    {
        // The owner of each pid registers it: keys i ≡ n (mod nodeCount) live on node n.
        var mine = Enumerable.Range(0, names.Length).Where(i => i % nodeCount == n).ToArray();
        foreach (var batch in mine.Chunk(10_000))
            await node.Registry().RegisterMany(batch.Select(i => (names[i], pids[i])).ToArray());
    }

    private static (double Ours, double Floor) MeasureLookups(ClusterProcessRegistry registry, ConcurrentDictionary<string, IActorRef> floor, string[] names)
    {
        var order = new int[4_000_000];
        var random = new Random(7);
        for (var i = 0; i < order.Length; i++) order[i] = random.Next(names.Length);
        // Probe with strings equal to, but not the same objects as, the stored keys, as a caller would.
        var probes = names.Select(n => new string(n)).ToArray();

        double Time(Func<string, bool> hit)
        {
            for (var i = 0; i < 100_000; i++) hit(probes[order[i]]);
            var clock = Stopwatch.StartNew();
            var hits = 0;
            foreach (var i in order)
                if (hit(probes[i])) hits++;
            if (hits != order.Length) throw new InvalidOperationException($"Only {hits} of {order.Length} lookups hit.");
            return clock.Elapsed.TotalMilliseconds * 1_000_000 / order.Length;
        }

        // Alternate and keep the best of three, so neither side pays for the other's cache misses or GC.
        var ours = double.MaxValue;
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            ours = Math.Min(ours, Time(key => registry.GetPid(key) is not null));
            best = Math.Min(best, Time(key => floor.TryGetValue(key, out _)));
        }
        return (ours, best);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static Task Until(Func<bool> condition) => Until(() => Task.FromResult(condition()), TimeSpan.FromMilliseconds(10));

    private static async Task Until(Func<Task<bool>> condition, TimeSpan poll)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The cluster did not converge in 10 minutes.");
            await Task.Delay(poll);
        }
    }

    /// <summary>Live records in the node's own replica of the replicated data.</summary>
    private static async Task<int> ReplicatedRecords(ActorSystem node)
    {
        var registry = node.Registry();
        var reads = registry.Buckets.Keys.Select(async key =>
            await registry.Replicator.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), TimeSpan.FromSeconds(30)) is GetSuccess read
                ? read.Get(key).Slices.Values.Sum(slice => slice.Records.Count(record => record.IsLive))
                : 0);
        return (await Task.WhenAll(reads)).Sum();
    }
}
