using Akka.Actor;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>A wall clock a spec can step, as NTP or an operator steps a machine's; its monotonic time is the machine's.</summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>The clock <paramref name="node"/>'s registry reads.</summary>
    public static SteppedClock Of(ActorSystem node) =>
        (SteppedClock)node.Settings.Setup.Get<ProcessRegistrySetup>().Value.Time;
}
