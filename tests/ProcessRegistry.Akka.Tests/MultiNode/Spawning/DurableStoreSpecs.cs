using Akka.Actor;
using ProcessRegistry.Akka.TestKit;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// With <c>spawn.durable.store-directory</c>, the durable set is kept on disk (LightningDB), and a
/// whole cluster stopped and started again brings every durable key back, with nobody calling.
/// </summary>
public sealed class DurableStoreSpecs : IDisposable
{
    private const string Kind = "kept";
    private readonly string[] _directories = [NewDirectory(), NewDirectory()];

    [Fact]
    public Task A_whole_cluster_started_again_brings_back_every_durable_key() => StopAndStartAgain(beforeRestart: () => { });

    [Fact]
    public Task A_node_whose_stored_files_cannot_be_read_starts_and_gets_the_keys_from_the_other_node() =>
        StopAndStartAgain(beforeRestart: () =>
        {
            var files = Directory.GetFiles(_directories[0]);
            Assert.NotEmpty(files);
            foreach (var file in files)
                File.WriteAllBytes(file, [0xFF, 0x00, 0x13]);
        });

    private async Task StopAndStartAgain(Action beforeRestart)
    {
        var (props, run) = CountedProcess.ForNewRun();
        var keys = Enumerable.Range(0, 40).Select(i => $"stored/{i}").ToArray();
        await using (var first = await StartCluster(props))
        {
            await Task.WhenAll(keys.Select((key, i) => first.Nodes[i % 2].Registry().GetPid(key, Kind)));
        }
        Assert.True(CountedProcess.StartsOf(run) >= keys.Length);
        beforeRestart();

        await using var second = await StartCluster(props);
        var node = second.Nodes[0];
        var addresses = second.Nodes.Select(AddressOf).ToList();
        await Until(() => keys.All(key => node.Registry().Lookup(key) is { } entry && addresses.Contains(entry.Node)));
        foreach (var key in keys.Take(5))
            Assert.Equal("pong", await node.Registry().GetPid(key)!.Ask<string>("ping", InProcessCluster.Patience));
    }

    /// <summary>Two nodes, each with a store directory of its own (the same two each time), and the durable kind on both.</summary>
    private async Task<InProcessCluster> StartCluster(Props props)
    {
        var cluster = await InProcessCluster.Start(1, StoreAt(_directories[0]));
        await cluster.AddNode(StoreAt(_directories[1]));
        foreach (var node in cluster.Nodes)
            node.Registry().AddKind(Kind, _ => props, new SpawnKindOptions { Durable = true });
        return cluster;
    }

    private static string StoreAt(string directory) =>
        $"akka.cluster.process-registry.spawn.durable.store-directory = \"{directory}\"";

    private static Address AddressOf(ActorSystem node) => global::Akka.Cluster.Cluster.Get(node).SelfAddress;

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "registry-durable-" + Guid.NewGuid().ToString("N"));

    private static async Task Until(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > InProcessCluster.Patience) throw new TimeoutException("The durable keys did not come back.");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
            Directory.Delete(directory, recursive: true);
    }
}
