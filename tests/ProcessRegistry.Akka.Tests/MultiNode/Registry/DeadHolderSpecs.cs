using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>
/// A process of this node that is known to have stopped holds nothing, even while its owner's
/// Terminated is still queued: syn never answers taken for a dead process, and nobody should be
/// handed a dead pid. Each spec runs many cycles, since the race goes either way each time.
/// </summary>
public sealed class DeadHolderSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private const int Cycles = 100;

    [Fact]
    public async Task A_new_process_takes_the_key_of_a_stopped_one_at_once()
    {
        await StartCluster(1);
        var filler = Enumerable.Range(0, 50).Select(_ => SpawnProcess(Sys)).ToArray();
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var old = SpawnProcess(Sys);
            await Sys.Registry().Register("dead/holder", old);
            // A busy registry actor: the stopped holder's Terminated queues behind this work.
            var busy = Sys.Registry().RegisterMany(filler.Select((pid, i) => ($"dead/filler/{cycle}/{i}", pid)).ToList());
            await StopAndAwait(old);

            var next = SpawnProcess(Sys);
            var entry = await Sys.Registry().Register("dead/holder", next);

            Assert.Equal(next, entry.Pid);
            Assert.Equal(next, Sys.Registry().GetPid("dead/holder"));
            Assert.True(await Sys.Registry().Unregister("dead/holder"));
            await busy;
        }
    }

    [Fact]
    public async Task Reads_right_after_a_local_process_stopped_miss_and_spawn_a_fresh_one()
    {
        await StartCluster(1);
        var (props, run) = CountedProcess.ForNewRun();
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var old = await Sys.Registry().GetPid("dead/spawned", props);
            await StopAndAwait(old);

            Assert.Null(Sys.Registry().GetPid("dead/spawned"));
            Assert.False(Sys.Registry().IsRegistered("dead/spawned"));
            Assert.Null(Sys.Registry().Lookup("dead/spawned"));
            var fresh = await Sys.Registry().GetPid("dead/spawned", props);
            Assert.NotEqual(old, fresh);
            Assert.Equal("pong", await fresh.Ask<string>("ping", Patience));
            Sys.Registry().RefFor("dead/spawned", props).Tell("ping", TestActor);
            await ExpectMsgAsync("pong", Patience);
            fresh.Tell("stop");
            await AwaitAssertAsync(() => Assert.Null(Sys.Registry().GetPid("dead/spawned")), Patience);
        }
        Assert.Equal(2 * Cycles, CountedProcess.StartsOf(run));
    }

    /// <summary>Completes as soon as the process has stopped: a registry actor may not have heard yet.</summary>
    private static async Task StopAndAwait(IActorRef process) =>
        Assert.True(await process.GracefulStop(Patience));
}
