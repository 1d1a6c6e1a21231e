using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// Peer replication of an owner-partitioned table, written once for any kind of record (syn's
/// <c>syn_gen_scope</c>): each node owns the records of its own processes and sends them straight
/// to every peer's table actor. Broadcast: what the owner wrote, paced into few messages. Snapshot:
/// everything it owns, to a peer it meets, meets again, or that asks. Digest: a summary each
/// anti-entropy interval, which a peer that missed something answers with a snapshot request.
/// The meaning of the records comes from <see cref="IReplica{TRecord}"/>; who may send what, from
/// <see cref="ReplicationGate{TRecord}"/>.
/// </summary>
/// <remarks>
/// A plain class inside its actor: every method runs on the actor's thread, and messages it sends
/// carry the actor as sender.
/// 
/// <paramref name="takesPart"/> says whether a member hosts this table (its role);
/// <paramref name="tableOf"/> gives a member's table actor, where broadcasts and snapshots go.
/// </remarks>
internal sealed class PeerReplication<TRecord>(
    UniqueAddress self,
    IReplica<TRecord> replica,
    Outbox<TRecord> outbox,
    ReplicationGate<TRecord> gate,
    Readiness readiness,
    VersionClock versions,
    RegistryClock clock,
    TimeSpan antiEntropyInterval,
    Func<Member, bool> takesPart,
    Func<Member, IActorRef> tableOf)
    where TRecord : class, IReplicatedRecord
{
    private readonly Dictionary<Address, IActorRef> _peers = new();
    private readonly Dictionary<UniqueAddress, IncomingSnapshot> _incoming = new();
    private readonly Dictionary<UniqueAddress, OwnedDigest> _lastDigests = new();
    // The owner's digest and the replica's change count this node last compared and found equal.
    private readonly Dictionary<UniqueAddress, (OwnedDigest Digest, long Changes)> _matched = new();
    // Tells this instance's snapshots apart from its previous incarnations' and from each other.
    private readonly long _snapshotIncarnation = clock.WallTicks;
    private long _snapshotsSent;
    // Peers send a node their snapshots when they meet it; an instance restarted before it was
    // ready asks them again, as they will not.
    private bool _restarted;

    /// <summary>The table actors of the members met, by address.</summary>
    public IReadOnlyCollection<IActorRef> Peers => _peers.Values;

    // ---- out: broadcast, snapshot, digest ---------------------------------------------------

    /// <summary>Sends what this node wrote since its last broadcast to every peer, in few messages.</summary>
    public void Flush()
    {
        var written = outbox.Take();
        if (_peers.Count > 0)
        {
            foreach (var chunk in Chunks(written))
            {
                var changed = new RecordsChanged<TRecord>(chunk);
                foreach (var peer in _peers.Values)
                    peer.Tell(changed);
            }
        }
    }

    /// <summary>
    /// Everything this node owns, and its tombstones that have not expired (so a peer that missed
    /// one learns why the key went), to a node it just met, met again after a partition, or that asked.
    /// </summary>
    public void SendSnapshot(IActorRef peer)
    {
        // Nothing this node ever wrote is newer: a peer may drop any older record of this node's the snapshot lacks.
        var takenAt = Math.Max(clock.WallTicks, versions.Last);
        var id = _snapshotIncarnation + _snapshotsSent++;
        var chunks = Chunks(replica.OwnSnapshot()).ToList();
        for (var i = 0; i < chunks.Count; i++)
            peer.Tell(new OwnerSnapshot<TRecord>(self, id, i, chunks.Count, takenAt, chunks[i]));
    }

    public void SendDigests()
    {
        if (_peers.Count == 0) return;
        var digest = OwnedDigest.Of(replica.OwnVersions());
        var message = new OwnerDigest(self, digest.Count, digest.Checksum);
        foreach (var peer in _peers.Values)
            peer.Tell(message);
    }

    private static IEnumerable<List<TRecord>> Chunks(IEnumerable<TRecord> records) =>
        MessageChunks.Of(records, record => record.EstimatedWireSize);

    // ---- in: from peers -----------------------------------------------------------------------

    public void ReceiveChanged(RecordsChanged<TRecord> changed, IActorRef sender)
    {
        if (gate.Member(sender, nameof(RecordsChanged<TRecord>)) is not { } owner ||
            !gate.AllOwnedBy(changed.Records, owner, sender, nameof(RecordsChanged<TRecord>))) return;
        foreach (var record in changed.Records)
        {
            if (replica.Merge(record))
                replica.Broadcasted(record);
        }
    }

    public void ReceiveSnapshot(OwnerSnapshot<TRecord> snapshot, IActorRef sender)
    {
        const string message = nameof(OwnerSnapshot<TRecord>);
        if (gate.Member(sender, message) is not { } owner) return;
        if (!snapshot.Owner.Equals(owner) || snapshot.Parts < 1 || snapshot.Part < 0 || snapshot.Part >= snapshot.Parts)
        {
            gate.Refuse(sender.Path.Address, message, $"part {snapshot.Part} of {snapshot.Parts} of a snapshot of {snapshot.Owner}");
            return;
        }
        if (!gate.AllOwnedBy(snapshot.Records, owner, sender, message)) return;
        if (!_incoming.TryGetValue(owner, out var incoming) || incoming.Id != snapshot.Id)
            _incoming[owner] = incoming = new IncomingSnapshot(snapshot.Id, clock.Now);
        // Parts of one snapshot arrive in order; a gap means this instance started after the
        // first parts came (a restart), and the snapshot can no longer tell what the owner lacks.
        incoming.Complete &= snapshot.Part == incoming.NextPart;
        incoming.NextPart = snapshot.Part + 1;
        List<TRecord>? missed = null;
        foreach (var record in snapshot.Records)
        {
            if (replica.MergeFromSnapshot(record) is { } removal)
                (missed ??= new List<TRecord>()).Add(removal);
            incoming.Keys.Add(record.Key);
        }
        // The owner settles a key when it hears of a newer removal by another owner, and the
        // removal's own broadcast may have been lost in a cut and its tombstone erased since.
        if (missed is not null)
            sender.Tell(new RemovalHints<TRecord>(missed));
        if (snapshot.Part < snapshot.Parts - 1) return;
        _incoming.Remove(owner);
        if (!incoming.Complete) return; // the owner's digest will ask for a whole one
        readiness.Heard(owner);
        replica.SnapshotLacks(owner, incoming.Keys, snapshot.TakenAt);
    }

    /// <summary>
    /// Removals relayed by a peer (see <see cref="RemovalHints{TRecord}"/>). Each must be a
    /// well-formed tombstone of the owner it names; the replica decides what they change.
    /// </summary>
    public void ReceiveRemovalHints(RemovalHints<TRecord> hints, IActorRef sender)
    {
        const string message = nameof(RemovalHints<TRecord>);
        if (gate.Member(sender, message) is null) return;
        foreach (var removal in hints.Removals)
        {
            if (removal.IsLive || gate.Problem(removal, removal.Owner) is not null)
            {
                gate.Refuse(sender.Path.Address, message, $"[{WellFormedText.Printable(removal.Key)}] is not a removal");
                return;
            }
        }
        replica.RemovalsHinted(hints.Removals);
    }

    public void ReceiveDigest(OwnerDigest received, IActorRef sender)
    {
        if (gate.Member(sender, nameof(OwnerDigest)) is not { } owner) return;
        if (!received.Owner.Equals(owner))
        {
            gate.Refuse(sender.Path.Address, nameof(OwnerDigest), $"it speaks for {received.Owner}");
            return;
        }
        var digest = new OwnedDigest(received.Count, received.Checksum);
        var quiet = _lastDigests.TryGetValue(owner, out var previous) && previous == digest;
        _lastDigests[owner] = digest;
        // While the owner keeps writing, its broadcasts are still arriving: compare once it is quiet.
        if (!quiet || SnapshotUnderWay(owner)) return;
        // A quiet cluster would otherwise scan the whole replica for every owner every interval.
        if (_matched.TryGetValue(owner, out var matched) && matched == (digest, replica.Changes)) return;
        if (OwnedDigest.Of(replica.VersionsOf(owner)) == digest)
        {
            _matched[owner] = (digest, replica.Changes);
            return;
        }
        sender.Tell(SnapshotRequest.Instance);
    }

    public void ReceiveSnapshotRequest(IActorRef sender)
    {
        if (gate.Member(sender, nameof(SnapshotRequest)) is not null) SendSnapshot(sender);
    }

    /// <summary>
    /// Whether parts of a snapshot from <paramref name="owner"/> are still coming. One whose last
    /// parts were lost in a cut is given up after two digest rounds, so digests can ask again.
    /// </summary>
    private bool SnapshotUnderWay(UniqueAddress owner)
    {
        if (!_incoming.TryGetValue(owner, out var incoming)) return false;
        if (clock.Now - incoming.Started < antiEntropyInterval + antiEntropyInterval) return true;
        _incoming.Remove(owner);
        return false;
    }

    // ---- membership --------------------------------------------------------------------------

    /// <summary>This instance replaced one that failed: peers will not send it their snapshots unasked.</summary>
    public void Restarted() => _restarted = true;

    /// <summary>A member changed; one refused while this node had not heard of it yet is asked again for what it sent then.</summary>
    public void Track(Member member)
    {
        if (gate.Track(member) && !member.UniqueAddress.Equals(self))
            tableOf(member).Tell(SnapshotRequest.Instance);
    }

    /// <summary>A member is Up: a peer to send to and hear from, or this node, now ready once its peers' snapshots are in.</summary>
    public void MemberUp(Member member, IEnumerable<Member> members)
    {
        if (member.UniqueAddress.Equals(self))
        {
            // Every peer Up now is one to hear from, though its MemberUp may come after this one.
            foreach (var other in members)
            {
                if (other.Status is MemberStatus.Up or MemberStatus.WeaklyUp && !other.UniqueAddress.Equals(member.UniqueAddress) && takesPart(other))
                    readiness.Await(other.UniqueAddress);
            }
            readiness.SelfUp();
            return;
        }
        if (!takesPart(member)) return;
        var peer = tableOf(member);
        _peers[member.Address] = peer;
        readiness.Await(member.UniqueAddress);
        if (_restarted && !readiness.IsReady)
            peer.Tell(SnapshotRequest.Instance);
        SendSnapshot(peer);
    }

    /// <summary>A member is reachable again: what it missed meanwhile comes in a snapshot.</summary>
    public void Reachable(Member member)
    {
        if (_peers.TryGetValue(member.Address, out var peer))
            SendSnapshot(peer);
    }

    public void MemberRemoved(Member member)
    {
        readiness.Heard(member.UniqueAddress);
        _peers.Remove(member.Address);
        _lastDigests.Remove(member.UniqueAddress);
        _matched.Remove(member.UniqueAddress);
        replica.OwnerRemoved(member.UniqueAddress);
    }
}
