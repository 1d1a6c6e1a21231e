using Akka.Actor;
using Akka.Routing;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <remarks>
/// Processes may only be spawned on members with a role no member has, so a spawn can never be
/// answered and the timeout path is certain.
/// </remarks>
public sealed class SpawnInputSpecs(ITestOutputHelper output)
    : ClusterSpec(output, AllowSpawning(typeof(ProcessWithArgument), typeof(ProcessWithCounter)) + "akka.cluster.process-registry.spawn { role = nobody-has-it, timeout = 2s }")
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

    private static readonly Dictionary<string, Func<Props>> PropsThatWouldNotArriveTheSame = new()
    {
        ["an argument whose state the serializers lose"] = () => Props.Create(() => new ProcessWithCounter(new Counter(42))),
        ["a router"] = () => Props.Create(() => new CountedProcess("r")).WithRouter(new RoundRobinPool(2)),
        ["a supervisor strategy"] = () => Props.Create(() => new CountedProcess("s")).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Stop)),
        ["a deploy scope"] = () => Props.Create(() => new CountedProcess("d")).WithDeploy(Deploy.Local),
        ["a producer, as dependency injection makes"] = () => Props.CreateBy(new CountedProducer()),
        ["a type no node allows"] = () => Props.Create<NotAllowed>(),
    };

    [Theory]
    [InlineData("an argument whose state the serializers lose")]
    [InlineData("a router")]
    [InlineData("a supervisor strategy")]
    [InlineData("a deploy scope")]
    [InlineData("a producer, as dependency injection makes")]
    [InlineData("a type no node allows")]
    public async Task Props_that_would_not_arrive_the_same_are_refused_on_the_calling_node_before_anything_is_sent(string what)
    {
        await StartCluster(1);
        var props = PropsThatWouldNotArriveTheSame[what]();

        var spawn = Assert.Throws<ArgumentException>(() => { _ = Sys.Registry().GetPid("refused", props); });
        var bound = Assert.Throws<ArgumentException>(() => Sys.Registry().RefFor("refused", props));

        Assert.Contains("cannot be sent to another node", spawn.Message);
        Assert.Equal(spawn.Message, bound.Message);
        Assert.False(Sys.Registry().IsRegistered("refused"));
    }

    [Fact]
    public async Task Props_whose_arguments_come_back_equal_are_carried_as_the_host_will_rebuild_them()
    {
        await StartCluster(1);
        var props = Props.Create(() => new ProcessWithCounter(new CounterRecord(42))).WithDispatcher("akka.actor.internal-dispatcher");

        var request = PropsCheck.RequestFor((ExtendedActorSystem)Sys, Sys.Registry().Settings, "carried", props);

        Assert.NotSame(props, request.Props);
        Assert.Equal(typeof(ProcessWithCounter), request.Props!.Type);
        Assert.Equal("akka.actor.internal-dispatcher", request.Props.Dispatcher);
        Assert.Equal(new CounterRecord(42), Assert.Single(request.Props.Arguments));
        Assert.NotSame(props.Arguments[0], request.Props.Arguments[0]);
    }

    public sealed class Counter(int start)
    {
        public int Value { get; } = start;
    }

    public sealed record CounterRecord(int Start);

    public sealed class ProcessWithCounter : ReceiveActor
    {
        public ProcessWithCounter(object counter) => ReceiveAny(_ => Sender.Tell(counter));
    }

    public sealed class NotAllowed : ReceiveActor;

    private sealed class CountedProducer : IIndirectActorProducer
    {
        public Type ActorType => typeof(CountedProcess);

        public ActorBase Produce() => new CountedProcess("produced");

        public void Release(ActorBase actor)
        {
        }
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
