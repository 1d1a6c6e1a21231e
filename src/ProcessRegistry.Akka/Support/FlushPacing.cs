using Akka.Actor;

namespace ProcessRegistry.Akka.Support;

/// <summary>
/// When an actor sends what piled up: the first flush after a quieter spell than the interval
/// goes at once (behind what is already in the mailbox), later ones at most once per interval
/// while work keeps coming, or at once when the pile reaches <see cref="FlushAt"/> items.
/// Moderate traffic is not delayed, and under load thousands of small remote messages become a
/// few large ones: remoting's per-message cost is what bounds throughput otherwise. A pile that
/// is large already does not wait for the timer, which rounds the interval up to the
/// scheduler's tick (10 ms), a stall each stage of a pipeline of such actors would add. Nor, when
/// the interval is shorter than that tick, does a pile while traffic is light: fewer than
/// <see cref="WorthTiming"/> items flushed within the last tick. Traffic that light gains
/// nothing from batching and would only wait out the tick, which at a steady thousand writes a
/// second put 4–5 ms on every write's way to the peers. The rate is what tells, not the size of
/// the last flush: under a burst a flush sent at once finds only what reached the mailbox
/// meanwhile, so judging by the last flush kept every flush small, and a spawn burst sent
/// several times as many messages.
/// </summary>
internal sealed class FlushPacing(TimeSpan interval, object flush, RegistryClock clock)
{
    public const int FlushAt = 256;

    /// <summary>The fewest items flushed within one tick after which the next flush waits for an interval shorter than the tick.</summary>
    public const int WorthTiming = 32;

    // Akka's scheduler does not tick faster than this; a timer of a shorter interval waits this long.
    private static readonly TimeSpan SchedulerTick = TimeSpan.FromMilliseconds(10);

    private bool _scheduled;
    private bool _timed;
    private TimeSpan _lastFlush = TimeSpan.MinValue;
    private int _waiting;
    // Items flushed since _windowStart; a window lasts one tick.
    private TimeSpan _windowStart = TimeSpan.MinValue;
    private int _flushedInWindow;

    /// <summary>Something waits to be sent, <paramref name="waiting"/> items in all: makes sure <c>flush</c> reaches <paramref name="self"/>.</summary>
    public void Request(IActorRef self, ITimerScheduler timers, int waiting)
    {
        _waiting = waiting;
        var full = waiting >= FlushAt;
        if (_scheduled)
        {
            if (!_timed || !full) return;
            timers.Cancel(flush);
            _timed = false;
            self.Tell(flush);
            return;
        }
        _scheduled = true;
        var wait = _lastFlush == TimeSpan.MinValue ? TimeSpan.Zero : _lastFlush + interval - clock.Now;
        _timed = !full && wait > TimeSpan.Zero && (interval >= SchedulerTick || _flushedInWindow >= WorthTiming);
        if (_timed)
            timers.StartSingleTimer(flush, flush, wait);
        else
            self.Tell(flush);
    }

    /// <summary>Call when handling <c>flush</c>, before sending.</summary>
    public void Flushed()
    {
        _scheduled = false;
        _timed = false;
        var now = clock.Now;
        _lastFlush = now;
        if (_windowStart == TimeSpan.MinValue || now - _windowStart >= SchedulerTick)
        {
            _windowStart = now;
            _flushedInWindow = 0;
        }
        _flushedInWindow += _waiting;
        _waiting = 0;
    }
}
