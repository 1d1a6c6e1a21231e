using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <summary>
/// Seeded random runs of register / unregister / kill / cut / heal over three nodes, then a
/// check that the registry converged: every view equal, no entry naming a stopped process.
/// A seed that ever fails stays here as a regression case.
/// </summary>
public sealed class ChurnModelSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.ask-timeout = 2s")
{
    private const int Steps = 80;
    private const int KeyPool = 25;

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Random_churn_with_partitions_converges_to_equal_views_without_dead_processes(int seed)
    {
        var nodes = await StartCluster(3);
        var random = new Random(seed);
        var processes = nodes.Select(_ => new List<IActorRef>()).ToArray();
        var stopped = new HashSet<string>();
        var cuts = new HashSet<(int, int)>();

        for (var step = 0; step < Steps; step++)
        {
            var n = random.Next(nodes.Length);
            var node = nodes[n];
            var key = $"churn/{random.Next(KeyPool)}";
            switch (random.Next(10))
            {
                case < 4:
                    var pid = SpawnProcess(node);
                    processes[n].Add(pid);
                    try { await node.Registry().Register(key, pid); }
                    catch (KeyAlreadyRegisteredException) { }
                    break;
                case < 6:
                    // The key's owner may be on the other side of a cut: then the call times out.
                    try { await node.Registry().Unregister(key); }
                    catch (TimeoutException) { }
                    break;
                case < 8 when processes[n].Count > 0:
                    var victim = processes[n][random.Next(processes[n].Count)];
                    processes[n].Remove(victim);
                    stopped.Add(victim.Path.ToSerializationFormatWithAddress(AddressOf(node)));
                    node.Stop(victim);
                    break;
                case 8:
                    var pair = Pair(random);
                    if (cuts.Add(pair)) await SetPartition(nodes[pair.Item1], nodes[pair.Item2], cut: true);
                    break;
                default:
                    if (cuts.Count == 0) break;
                    var healed = cuts.ElementAt(random.Next(cuts.Count));
                    cuts.Remove(healed);
                    await SetPartition(nodes[healed.Item1], nodes[healed.Item2], cut: false);
                    break;
            }
        }
        foreach (var (x, y) in cuts)
            await SetPartition(nodes[x], nodes[y], cut: false);

        await AwaitAssertAsync(() =>
        {
            var views = nodes.Select(View).ToArray();
            Assert.All(views, view => Assert.Equal(views[0], view));
            Assert.All(views[0].Values, pid => Assert.DoesNotContain(pid, stopped));
            Assert.All(nodes, node => Assert.Equal(views[0].Count, node.Registry().Count));
        }, TimeSpan.FromSeconds(60));
    }

    private static (int, int) Pair(Random random)
    {
        var a = random.Next(3);
        var b = (a + 1 + random.Next(2)) % 3;
        return (Math.Min(a, b), Math.Max(a, b));
    }

    /// <summary>A node's view as key -> pid path with the owner's address, comparable across nodes.</summary>
    private static SortedDictionary<string, string> View(ActorSystem node) =>
        new(node.Registry().Entries().ToDictionary(e => e.Key, e => e.Pid.Path.ToSerializationFormatWithAddress(e.Node)), StringComparer.Ordinal);
}
