using Akka.Actor;
using Akka.Event;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

public sealed class KeyBoundRefSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task A_ref_made_with_props_spawns_on_first_tell_and_reaches_the_next_process_after_a_restart()
    {
        var nodes = await StartCluster(2);
        var (props, run) = CountedProcess.ForNewRun();
        var room = Sys.Registry().RefFor("via/room", props);

        for (var i = 0; i < 20; i++)
            room.Tell("ping", TestActor);
        for (var i = 0; i < 20; i++)
            await ExpectMsgAsync("pong", Patience);
        Assert.Equal(1, CountedProcess.StartsOf(run));

        room.Tell("stop");
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.False(n.Registry().IsRegistered("via/room"))), Patience);
        room.Tell("ping", TestActor);

        await ExpectMsgAsync("pong", Patience);
        Assert.Equal(2, CountedProcess.StartsOf(run));
    }

    [Fact]
    public async Task A_ref_without_props_reaches_the_registered_process_and_sends_to_dead_letters_when_there_is_none()
    {
        await StartCluster(1);
        var handle = Sys.Registry().RefFor("via/plain");
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        handle.Tell("lost");
        Assert.Equal("lost", (await deadLetters.FishForMessageAsync<DeadLetter>(d => "lost".Equals(d.Message), Patience)).Message);
        // A plain Tell from outside any actor has no sender at all.
        handle.Tell("lost without a sender", ActorRefs.NoSender);
        var unsent = await deadLetters.FishForMessageAsync<DeadLetter>(d => "lost without a sender".Equals(d.Message), Patience);
        Assert.Equal(Sys.DeadLetters, unsent.Sender);

        var target = CreateTestProbe();
        await Sys.Registry().Register("via/plain", target.Ref);
        handle.Tell("found");
        await target.ExpectMsgAsync("found", Patience);
    }

    [Fact]
    public async Task RefFor_refuses_bad_keys_and_props_that_cannot_travel()
    {
        await StartCluster(1);

        Assert.Throws<ArgumentException>(() => Sys.Registry().RefFor(""));
        Assert.Throws<ArgumentException>(() => Sys.Registry().RefFor("k", Props.Create(() => new SpawnInputSpecs.ProcessWithArgument(new SpawnInputSpecs.Unserializable()))));
    }
}
