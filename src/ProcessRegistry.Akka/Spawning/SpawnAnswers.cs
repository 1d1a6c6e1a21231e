using Akka.Actor;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// Answers to spawn clients, a <see cref="SpawnResults"/> batch per client, paced by
/// <c>spawn.batch-interval</c>: one message per client each way instead of one per key.
/// </summary>
/// <remarks><paramref name="actor"/> sends them: its timers pace them, and it hands <paramref name="flush"/> to <see cref="Send"/>.</remarks>
internal sealed class SpawnAnswers(IActorRef self, IWithTimers actor, TimeSpan interval, object flush, RegistryClock clock)
{
    private readonly FlushPacing _pacing = new(interval, flush, clock);
    private readonly Dictionary<IActorRef, List<SpawnResult>> _outgoing = new();
    private int _waiting;

    public void Answer(IActorRef client, SpawnResult result)
    {
        if (!_outgoing.TryGetValue(client, out var results))
            _outgoing[client] = results = new List<SpawnResult>();
        results.Add(result);
        _pacing.Request(self, actor.Timers, ++_waiting);
    }

    public void Send()
    {
        _pacing.Flushed();
        _waiting = 0;
        foreach (var (client, results) in _outgoing)
        {
            foreach (var chunk in MessageChunks.Of(results, result => result.Record?.EstimatedWireSize ?? 3 * result.Key.Length + 2 * (result.Failure?.Length ?? 0) + 8))
                client.Tell(new SpawnResults(chunk));
        }
        _outgoing.Clear();
    }
}
