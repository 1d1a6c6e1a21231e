using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>A host starts only the actor types its own configuration allows, whatever the calling node allows.</summary>
public sealed class SpawnAdmissionSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.spawn.role = host")
{
    [Fact]
    public async Task A_host_refuses_a_type_it_does_not_allow_and_the_caller_hears_why()
    {
        await StartCluster(1);
        var host = await StartNode("""
            akka.cluster.roles = [host]
            akka.cluster.process-registry.spawn.allowed-types = []
            """);
        await AwaitAssertAsync(() => Assert.Equal(2, Cluster.Get(Sys).State.Members.Count(m => m.Status == MemberStatus.Up)), Patience);
        var (props, run) = CountedProcess.ForNewRun();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Sys.Registry().GetPid("admission/refused", props).WaitAsync(Patience));

        Assert.Contains("allowed-types", error.Message);
        Assert.Contains("admission/refused", error.Message);
        Assert.Equal(0, CountedProcess.StartsOf(run));
        Assert.False(host.Registry().IsRegistered("admission/refused"));
    }
}
