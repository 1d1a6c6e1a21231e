using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <remarks>
/// Processes may only be spawned on members with a role no member has, so a spawn can never be
/// answered and the timeout path is certain.
/// </remarks>
public sealed class SpawnInputSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.spawn { role = nobody-has-it, timeout = 2s }")
{
    [Fact]
    public async Task Props_that_cannot_travel_are_refused_on_the_calling_node_before_anything_is_spawned()
    {
        await StartCluster(1);
        var props = Props.Create(() => new ProcessWithArgument(new Unserializable()));

        void Call() => _ = Sys.Registry().GetPid("cannot-travel", props);
        var error = Assert.Throws<ArgumentException>(Call);

        Assert.Contains("cannot-travel", error.Message);
        Assert.Contains("cannot be sent to another node", error.Message);
        Assert.False(Sys.Registry().IsRegistered("cannot-travel"));
    }

    [Fact]
    public async Task A_spawn_that_does_not_answer_in_time_throws_TimeoutException_naming_the_key()
    {
        await StartCluster(1);
        var (props, _) = CountedProcess.ForNewRun();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Sys.Registry().GetPid("slow/key", props));

        Assert.Contains("slow/key", error.Message);
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_spawn()
    {
        await StartCluster(1);
        var (props, _) = CountedProcess.ForNewRun();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sys.Registry().GetPid("cancelled", props, cancelled.Token));
    }

    [Fact]
    public async Task Bad_keys_are_refused_before_spawning()
    {
        await StartCluster(1);
        var (props, run) = CountedProcess.ForNewRun();

        Assert.Throws<ArgumentNullException>(() => { _ = Sys.Registry().GetPid(null!, props); });
        Assert.Throws<ArgumentException>(() => { _ = Sys.Registry().GetPid("", props); });
        Assert.Throws<ArgumentNullException>(() => { _ = Sys.Registry().GetPid("k", (Props)null!); });
        Assert.Equal(0, CountedProcess.StartsOf(run));
    }

    public sealed class Unserializable
    {
        public int Boom => throw new InvalidOperationException("this value cannot be serialized");
    }

    public sealed class ProcessWithArgument : ReceiveActor
    {
        public ProcessWithArgument(Unserializable argument) => ReceiveAny(_ => { });
    }
}
