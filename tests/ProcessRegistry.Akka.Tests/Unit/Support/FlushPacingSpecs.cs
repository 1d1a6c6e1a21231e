using Akka.Actor;
using ProcessRegistry.Akka.Support;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Support;

/// <summary>
/// A short interval (below the scheduler's 10 ms tick) is timed only while traffic is heavy:
/// after a small flush the next goes at once, after a large one it waits for the timer. A long
/// interval is always timed. The clock stands still, so every wait is the whole interval.
/// </summary>
public sealed class FlushPacingSpecs : global::Akka.TestKit.Xunit2.TestKit
{
    private const string Flush = "flush";

    [Fact]
    public void After_a_small_flush_a_short_interval_is_not_waited_out_on_the_tick()
    {
        var (pacing, timers) = Pacing(TimeSpan.FromMilliseconds(2));
        FlushOnce(pacing, timers, items: 1);

        pacing.Request(TestActor, timers, 1);

        ExpectMsg(Flush);
        Assert.Empty(timers.Started);
    }

    [Fact]
    public void After_a_large_flush_a_short_interval_is_timed()
    {
        var (pacing, timers) = Pacing(TimeSpan.FromMilliseconds(2));
        FlushOnce(pacing, timers, items: FlushPacing.WorthTiming);

        pacing.Request(TestActor, timers, 1);

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal([TimeSpan.FromMilliseconds(2)], timers.Started);
    }

    [Fact]
    public void A_long_interval_is_timed_however_small_the_last_flush()
    {
        var (pacing, timers) = Pacing(TimeSpan.FromMilliseconds(100));
        FlushOnce(pacing, timers, items: 1);

        pacing.Request(TestActor, timers, 1);

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal([TimeSpan.FromMilliseconds(100)], timers.Started);
    }

    /// <summary>The first request after a quiet spell goes at once; <paramref name="items"/> pile up behind it before it is handled.</summary>
    private void FlushOnce(FlushPacing pacing, RecordingTimers timers, int items)
    {
        for (var waiting = 1; waiting <= items; waiting++)
            pacing.Request(TestActor, timers, waiting);
        ExpectMsg(Flush);
        pacing.Flushed();
        Assert.Empty(timers.Started);
    }

    private static (FlushPacing, RecordingTimers) Pacing(TimeSpan interval) =>
        (new FlushPacing(interval, Flush, new RegistryClock(new StandingClock())), new RecordingTimers());

    private sealed class StandingClock : TimeProvider
    {
        public override long GetTimestamp() => 1_000_000;
    }

    private sealed class RecordingTimers : ITimerScheduler
    {
        public List<TimeSpan> Started { get; } = new();

        public void StartSingleTimer(object key, object msg, TimeSpan timeout) => Started.Add(timeout);
        public void StartSingleTimer(object key, object msg, TimeSpan timeout, IActorRef sender) => Started.Add(timeout);
        public void StartPeriodicTimer(object key, object msg, TimeSpan interval) => throw new NotSupportedException();
        public void StartPeriodicTimer(object key, object msg, TimeSpan interval, IActorRef sender) => throw new NotSupportedException();
        public void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval) => throw new NotSupportedException();
        public void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval, IActorRef sender) => throw new NotSupportedException();
        public bool IsTimerActive(object key) => false;
        public IReadOnlyCollection<object> ActiveTimers => [];
        public void Cancel(object key) { }
        public void CancelAll() { }
    }
}
