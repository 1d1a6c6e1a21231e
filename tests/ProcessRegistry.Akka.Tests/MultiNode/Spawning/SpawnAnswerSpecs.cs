using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <remarks>
/// Owners hold back every broadcast after the first for ten seconds, so a record spawned on
/// another node reaches the caller's node in time only with the spawn's own answer.
/// </remarks>
public sealed class SpawnAnswerSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.broadcast-interval = 10s")
{
    [Fact]
    public async Task When_GetPid_with_props_completes_the_calling_node_already_reads_the_process_wherever_it_was_spawned()
    {
        var nodes = await StartCluster(3);
        await AwaitSpawnRegions(nodes);
        var caller = nodes[0];
        var (props, _) = CountedProcess.ForNewRun();
        var spawnedElsewhere = 0;

        for (var i = 0; spawnedElsewhere < 20; i++)
        {
            Assert.True(i < 200, $"only {spawnedElsewhere} of {i} keys were spawned on another node");
            var key = $"read-your-spawn/{i}";
            var pid = await caller.Registry().GetPid(key, props);

            Assert.Equal(pid, caller.Registry().GetPid(key));
            if (!caller.Registry().Lookup(key)!.Node.Equals(AddressOf(caller)))
                spawnedElsewhere++;
        }
    }
}
