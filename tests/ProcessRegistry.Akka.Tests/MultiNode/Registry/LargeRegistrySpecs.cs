using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>With the default bucket settings, a 100,000-entry registry fits akka.remote's default 128000-byte frames.</summary>
public sealed class LargeRegistrySpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private const int Entries = 100_000;

    [Fact]
    public async Task A_node_joining_a_registry_of_100000_entries_receives_all_of_them_without_oversized_messages()
    {
        var nodes = await StartCluster(2);
        var oversized = new ConcurrentQueue<string>();
        foreach (var node in nodes)
            WatchForOversizedPayloads(node, oversized);
        await RegisterMany(nodes[0], Entries / 2, "a/");
        await RegisterMany(nodes[1], Entries / 2, "b/");
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Equal(Entries, n.Registry().Count)), TimeSpan.FromMinutes(2));

        var joiner = await StartNode();
        WatchForOversizedPayloads(joiner, oversized);

        await AwaitAssertAsync(() => Assert.Equal(Entries, joiner.Registry().Count), TimeSpan.FromMinutes(1));
        Assert.True(joiner.Registry().IsRegistered("a/4242") && joiner.Registry().IsRegistered("b/4242"));
        // Let the replicators gossip for a few rounds, then make sure nothing was dropped for size.
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(3));
        Assert.Empty(oversized);
    }

    private static async Task RegisterMany(ActorSystem node, int count, string prefix)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await node.Registry().Register(prefix + i, node.ActorOf(Props.Empty));
        }));
    }

    private static void WatchForOversizedPayloads(ActorSystem node, ConcurrentQueue<string> found) =>
        node.EventStream.Subscribe(node.ActorOf(Props.Create(() => new OversizedPayloadWatcher(found))), typeof(LogEvent));

    private sealed class OversizedPayloadWatcher : ReceiveActor
    {
        public OversizedPayloadWatcher(ConcurrentQueue<string> found) =>
            Receive<LogEvent>(e =>
            {
                var text = $"{(e as Error)?.Cause?.Message} {e.Message}";
                if (text.Contains("Oversized", StringComparison.OrdinalIgnoreCase))
                    found.Enqueue(text.Length > 300 ? text[..300] : text);
            });
    }
}
