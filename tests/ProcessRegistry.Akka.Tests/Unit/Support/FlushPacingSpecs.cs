using Akka.Actor;
using ProcessRegistry.Akka.Support;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Support;

/// <summary>
/// A short interval (below the scheduler's 10 ms tick) is timed only while traffic is heavy:
/// while fewer than <see cref="FlushPacing.WorthTiming"/> items were flushed within the last tick
/// the next flush goes at once, after that many it waits for the timer. A long interval is
/// always timed. The clock moves only when a spec moves it, so every wait is the whole interval.
/// </summary>
public sealed class FlushPacingSpecs : global::Akka.TestKit.Xunit2.TestKit
{
    private const string Flush = "flush";

    [Fact]
    public void After_a_small_flush_a_short_interval_is_not_waited_out_on_the_tick()
    {
        var (pacing, timers, _) = Pacing(TimeSpan.FromMilliseconds(2));
        FlushOnce(pacing, timers, items: 1);

        pacing.Request(TestActor, timers, 1);

        ExpectMsg(Flush);
        Assert.Empty(timers.Started);
    }

    [Fact]
    public void After_a_large_flush_a_short_interval_is_timed()
    {
        var (pacing, timers, _) = Pacing(TimeSpan.FromMilliseconds(2));
        FlushOnce(pacing, timers, items: FlushPacing.WorthTiming);

        pacing.Request(TestActor, timers, 1);

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal([TimeSpan.FromMilliseconds(2)], timers.Started);
    }

    [Fact]
    public void Small_flushes_within_one_tick_add_up_and_then_a_short_interval_is_timed()
    {
        // A burst whose flushes, each sent at once, find only a few items in the mailbox.
        var (pacing, timers, _) = Pacing(TimeSpan.FromMilliseconds(2));
        for (var flushed = 0; flushed < FlushPacing.WorthTiming; flushed += 2)
            FlushOnce(pacing, timers, items: 2);

        pacing.Request(TestActor, timers, 1);

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal([TimeSpan.FromMilliseconds(2)], timers.Started);
    }

    [Fact]
    public void Light_traffic_spread_over_ticks_goes_at_once_however_long_it_lasts()
    {
        var (pacing, timers, clock) = Pacing(TimeSpan.FromMilliseconds(2));
        for (var tick = 0; tick < 10; tick++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            FlushOnce(pacing, timers, items: FlushPacing.WorthTiming - 1);
        }

        // Right after the last flush, so only the rate can let this one go at once.
        pacing.Request(TestActor, timers, 1);

        ExpectMsg(Flush);
        Assert.Empty(timers.Started);
    }

    [Fact]
    public void A_long_interval_is_timed_however_small_the_last_flush()
    {
        var (pacing, timers, _) = Pacing(TimeSpan.FromMilliseconds(100));
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

    private static (FlushPacing, RecordingTimers, ManualClock) Pacing(TimeSpan interval)
    {
        var clock = new ManualClock();
        return (new FlushPacing(interval, Flush, new RegistryClock(clock)), new RecordingTimers(), clock);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _timestamp = 1_000_000;

        public override long GetTimestamp() => _timestamp;

        public void Advance(TimeSpan by) => _timestamp += (long)(by.TotalSeconds * TimestampFrequency);
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
