using Akka.Actor;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// When an actor sends what piled up: the first flush after a quieter spell than the interval
/// goes at once (behind what is already in the mailbox), later ones at most once per interval
/// while work keeps coming. Moderate traffic is not delayed, and under load thousands of small
/// remote messages become a few large ones: remoting's per-message cost is what bounds
/// throughput otherwise.
/// </summary>
internal sealed class FlushPacing(TimeSpan interval, object flush)
{
    private bool _scheduled;
    private DateTime _lastFlush = DateTime.MinValue;

    /// <summary>Something waits to be sent: makes sure <c>flush</c> reaches <paramref name="self"/>.</summary>
    public void Request(IActorRef self, ITimerScheduler timers)
    {
        if (_scheduled) return;
        _scheduled = true;
        var wait = _lastFlush + interval - DateTime.UtcNow;
        if (wait <= TimeSpan.Zero)
            self.Tell(flush);
        else
            timers.StartSingleTimer(flush, flush, wait);
    }

    /// <summary>Call when handling <c>flush</c>, before sending.</summary>
    public void Flushed()
    {
        _scheduled = false;
        _lastFlush = DateTime.UtcNow;
    }
}
