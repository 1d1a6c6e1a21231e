using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

public sealed class MetadataAndBulkSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry { max-metadata-entries = 200, max-metadata-bytes = 8192 }")
{
    [Fact]
    public async Task UpdateMetadata_from_any_node_is_applied_atomically_by_the_owner()
    {
        var nodes = await StartCluster(3);
        var pid = SpawnProcess(nodes[0]);
        await nodes[0].Registry().Register("meta/shared", pid, new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "x" });
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.True(n.Registry().IsRegistered("meta/shared"))), Patience);

        // 3 nodes x 50 concurrent read-modify-writes of different labels: none may be lost.
        await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, 50).Select(i =>
            node.Registry().UpdateMetadata("meta/shared", new Dictionary<string, string?> { [$"n{n}-{i}"] = "v" }))));
        var last = await nodes[2].Registry().UpdateMetadata("meta/shared", new Dictionary<string, string?> { ["drop"] = null });

        Assert.NotNull(last);
        Assert.Equal(151, last.Metadata.Count);
        Assert.False(last.Metadata.ContainsKey("drop"));
        Assert.Equal(pid.Path.ToStringWithAddress(AddressOf(nodes[0])), last.Pid.Path.ToStringWithAddress(AddressOf(nodes[0])));
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Equal(151, n.Registry().Lookup("meta/shared")!.Metadata.Count)), Patience);
        Assert.Single(nodes[0].Registry().EntriesWithMetadata("n2-49", "v"));
    }

    [Fact]
    public async Task UpdateMetadata_of_an_unknown_key_returns_null_and_over_the_limit_changes_nothing()
    {
        var nodes = await StartCluster(2);
        Assert.Null(await nodes[1].Registry().UpdateMetadata("meta/none", new Dictionary<string, string?> { ["a"] = "1" }));

        await nodes[0].Registry().Register("meta/limited", SpawnProcess(nodes[0]), new Dictionary<string, string> { ["a"] = "1" });
        await AwaitAssertAsync(() => Assert.True(nodes[1].Registry().IsRegistered("meta/limited")), Patience);
        var tooMuch = Enumerable.Range(0, 250).ToDictionary(i => $"l{i}", i => (string?)"v");

        await Assert.ThrowsAsync<ArgumentException>(() => nodes[1].Registry().UpdateMetadata("meta/limited", tooMuch));
        Assert.Throws<ArgumentException>(() => { _ = nodes[1].Registry().UpdateMetadata("meta/limited", new Dictionary<string, string?> { [""] = "v" }); });
        Assert.Equal("1", nodes[0].Registry().Lookup("meta/limited")!.Metadata["a"]);
        Assert.Single(nodes[0].Registry().Lookup("meta/limited")!.Metadata);
    }

    [Fact]
    public async Task WaitFor_completes_as_soon_as_the_key_is_registered_anywhere_and_times_out_naming_the_key()
    {
        var nodes = await StartCluster(3);
        var waiting = nodes[2].Registry().WaitFor("late/key", Patience);
        Assert.False(waiting.IsCompleted);

        var pid = SpawnProcess(nodes[0]);
        await nodes[0].Registry().Register("late/key", pid);

        var entry = await waiting;
        Assert.Equal(AddressOf(nodes[0]), entry.Node);
        Assert.True((await nodes[0].Registry().WaitFor("late/key", TimeSpan.FromMilliseconds(1))).Pid.Equals(pid));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => nodes[1].Registry().WaitFor("never/key", TimeSpan.FromMilliseconds(200)));
        Assert.Contains("never/key", timeout.Message);
    }

    [Fact]
    public async Task RegisterMany_and_UnregisterMany_work_in_bulk_and_bad_input_writes_nothing()
    {
        var nodes = await StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        // Half the processes live on A, half on B; B registers them all (A's through remote refs).
        var fromB = Enumerable.Range(0, 200)
            .Select(i => ($"bulk/{i}", i % 2 == 0 ? RemoteRef(b, SpawnProcess(a), a) : SpawnProcess(b)))
            .ToList();

        var entries = await b.Registry().RegisterMany(fromB, new Dictionary<string, string> { ["batch"] = "1" });

        Assert.Equal(200, entries.Length);
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Equal(200, n.Registry().EntriesWithMetadata("batch", "1").Count)), Patience);

        var bad = new List<(string, IActorRef)> { ("bulk/new", SpawnProcess(b)), ("", SpawnProcess(b)) };
        Assert.Throws<ArgumentException>(() => { _ = b.Registry().RegisterMany(bad); });
        Assert.False(b.Registry().IsRegistered("bulk/new"));

        Assert.Equal(200, await a.Registry().UnregisterMany(fromB.Select(p => p.Item1).Append("bulk/absent").ToList()));
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Equal(0, n.Registry().Count)), Patience);
    }
}
