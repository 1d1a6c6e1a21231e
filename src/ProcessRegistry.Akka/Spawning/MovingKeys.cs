using System.Collections.Concurrent;
using Akka.Actor;
using ProcessRegistry.Akka.Registry;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The keys this node was told are moving (their node hands their processes off), each until its
/// successor's record reaches this node's view, its node is removed, or the move outlived its time.
/// <c>RefFor</c> holds messages for a moving key and sends them to the successor; spawns of a
/// moving key wait for it.
/// </summary>
/// <remarks>
/// The fence makes the move lose no message sent through <c>RefFor</c>: a sender checks for a move
/// and sends inside it, and <see cref="Mark"/> waits for every such send to finish. So once this
/// node answered the moving node that it marked the keys, whatever it sent to an old process is
/// ahead of that answer on the one connection between the two nodes, and reaches the process
/// before its node asks it for its state.
/// </remarks>
internal sealed class MovingKeys(LocalView view, Func<TimeSpan> now)
{
    private readonly ReaderWriterLockSlim _fence = new(LockRecursionPolicy.NoRecursion);
    private readonly ConcurrentDictionary<string, Move> _moves = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> is moving; <paramref name="moved"/> completes with its successor, or null when the move ended without one.</summary>
    public bool TryGetMove(string key, out Task<IActorRef?> moved)
    {
        if (!_moves.IsEmpty && _moves.TryGetValue(key, out var move))
        {
            moved = move.Done.Task;
            return true;
        }
        moved = null!;
        return false;
    }

    public bool IsMoving(string key) => !_moves.IsEmpty && _moves.ContainsKey(key);

    /// <summary>Held while checking for a move and sending: <see cref="Mark"/> waits for every holder.</summary>
    public Fence Enter()
    {
        _fence.EnterReadLock();
        return new Fence(_fence);
    }

    /// <summary>Marks <paramref name="keys"/> as moving away from <paramref name="from"/>; returns once no send that missed the mark is still under way.</summary>
    public void Mark(IEnumerable<string> keys, Address from)
    {
        var marked = new List<(string Key, Move Move)>();
        _fence.EnterWriteLock();
        try
        {
            var since = now();
            foreach (var key in keys)
            {
                var move = new Move(from, since);
                if (_moves.TryAdd(key, move))
                    marked.Add((key, move));
            }
        }
        finally
        {
            _fence.ExitWriteLock();
        }
        foreach (var (key, move) in marked)
            AwaitSuccessor(key, move);
    }

    /// <summary>Ends the moves away from a node that was removed: whatever did not arrive is not coming.</summary>
    public void NodeRemoved(Address node)
    {
        foreach (var (key, move) in _moves)
        {
            if (move.From.Equals(node))
                End(key, move, successor: null);
        }
    }

    /// <summary>Ends moves older than <paramref name="limit"/>.</summary>
    public void Expire(TimeSpan limit)
    {
        var before = now() - limit;
        foreach (var (key, move) in _moves)
        {
            if (move.Since < before)
                End(key, move, successor: null);
        }
    }

    private void AwaitSuccessor(string key, Move move)
    {
        var waiter = view.Waiters.Add(key);
        move.Waiter = waiter;
        // A record set while the waiter was being added.
        if (view.TryGet(key, out var present) && !present.Owner.Address.Equals(move.From))
            Arrived(key, move, present);
        waiter.Task.ContinueWith(arrival => Arrived(key, move, arrival.Result), TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
    }

    private void Arrived(string key, Move move, EntryRecord record)
    {
        if (move.Done.Task.IsCompleted) return;
        if (!record.Owner.Address.Equals(move.From))
            End(key, move, record.Pid);
        else
            AwaitSuccessor(key, move); // the old owner wrote the key again (metadata): still moving
    }

    private void End(string key, Move move, IActorRef? successor)
    {
        if (!_moves.TryRemove(new KeyValuePair<string, Move>(key, move))) return;
        if (move.Waiter is { } waiter)
            view.Waiters.Remove(key, waiter);
        move.Done.TrySetResult(successor);
    }

    private sealed class Move(Address from, TimeSpan since)
    {
        public Address From { get; } = from;
        public TimeSpan Since { get; } = since;
        public TaskCompletionSource<IActorRef?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<EntryRecord>? Waiter { get; set; }
    }

    /// <summary>A sender's hold on the fence, released when disposed.</summary>
    public readonly struct Fence(ReaderWriterLockSlim fence) : IDisposable
    {
        public void Dispose() => fence.ExitReadLock();
    }
}
