using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Replication;

public sealed class ResilienceSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.ask-timeout = 3s")
{
    [Fact]
    public async Task The_registry_actor_killed_repeatedly_under_a_stream_of_registrations_loses_no_acknowledged_entry()
    {
        var nodes = await StartCluster(3);
        var (a, b) = (nodes[0], nodes[1]);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"stream/{w}/{i}";
                try
                {
                    await a.Registry().Register(key, SpawnProcess(a));
                    acknowledged.Add(key);
                }
                catch (Exception ex) when (ex is TimeoutException or AskTimeoutException)
                {
                    // a registration in flight when the actor died is not acknowledged: it may or may not exist
                }
            }
        })).ToArray();

        for (var kill = 0; kill < 5; kill++)
        {
            var before = acknowledged.Count;
            await AwaitConditionAsync(() => Task.FromResult(acknowledged.Count >= before + 50), Patience);
            (await RegistryWorkerOf(a)).Tell(Kill.Instance);
        }
        await AwaitConditionAsync(() => Task.FromResult(acknowledged.Count >= 300), Patience);
        stop.Cancel();
        await Task.WhenAll(writers);

        var expected = acknowledged.ToHashSet();
        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
            {
                var missing = expected.Where(k => !node.Registry().IsRegistered(k)).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} acknowledged keys missing on {AddressOf(node)}, e.g. {missing.FirstOrDefault()}");
            }
        }, Patience);
        // The restarted actor still owns (watches) what its predecessors registered.
        var someKey = expected.First();
        a.Stop(a.Registry().GetPid(someKey)!);
        await AwaitAssertAsync(() => Assert.False(b.Registry().IsRegistered(someKey)), Patience);
    }
}
