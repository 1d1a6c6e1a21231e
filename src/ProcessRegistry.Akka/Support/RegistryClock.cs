namespace ProcessRegistry.Akka.Support;

/// <summary>
/// The registry's two clocks. Durations and deadlines (pacing, spawn deadlines and retries,
/// tombstone expiry) use <see cref="Now"/>, which only moves forward whatever the wall clock
/// does. Versions and registration times, which other nodes compare, use <see cref="WallTicks"/>.
/// </summary>
internal sealed class RegistryClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public RegistryClock(TimeProvider time)
    {
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>Monotonic: the time since this clock was made, unaffected by steps of the wall clock.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_start);

    /// <summary>UTC wall-clock ticks, for versions and registration times; never for a duration.</summary>
    public long WallTicks => _time.GetUtcNow().UtcTicks;
}
