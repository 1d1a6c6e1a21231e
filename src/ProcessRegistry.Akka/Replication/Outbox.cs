using Akka.Actor;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The records an owner wrote since its last broadcast, and when that broadcast goes
/// (<see cref="FlushPacing"/>): the owner's writing side puts records in, <see cref="PeerReplication{TRecord}"/>
/// takes them out and sends them.
/// </summary>
/// <remarks><paramref name="actor"/>: the table's actor, whose timers pace the broadcast and which receives <paramref name="flush"/>.</remarks>
internal sealed class Outbox<TRecord>(IActorRef self, IWithTimers actor, TimeSpan interval, object flush, RegistryClock clock)
    where TRecord : class, IReplicatedRecord
{
    private readonly FlushPacing _pacing = new(interval, flush, clock);
    private List<TRecord> _records = new();

    /// <summary>A record this node wrote: on its way to every peer with the next flush.</summary>
    public void Add(TRecord record)
    {
        _records.Add(record);
        _pacing.Request(self, actor.Timers, _records.Count);
    }

    /// <summary>What waited, handed over once: the outbox is empty after.</summary>
    public List<TRecord> Take()
    {
        _pacing.Flushed();
        var records = _records;
        _records = new List<TRecord>();
        return records;
    }
}
