using Akka.Actor;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// Parent of the registry actor at <c>/system/{name}</c>, the address other nodes send to.
/// Akka's default strategy stops an actor that was killed; the registry must come back
/// instead, rebuild from the replicated data and keep serving, so this parent always restarts it.
/// </summary>
internal sealed class RegistrySupervisor : ReceiveActor
{
    public const string WorkerName = "registry";

    public RegistrySupervisor(Props worker)
    {
        var registry = Context.ActorOf(worker, WorkerName);
        ReceiveAny(message => registry.Forward(message));
    }

    public static Props Props(Props worker) => global::Akka.Actor.Props.Create(() => new RegistrySupervisor(worker));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);
}
