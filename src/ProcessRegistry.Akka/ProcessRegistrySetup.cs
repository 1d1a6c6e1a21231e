using Akka.Actor.Setup;

namespace ProcessRegistry.Akka;

/// <summary>
/// What the registry takes from the code that creates the actor system rather than from HOCON
/// (the way <c>DotNettySslSetup</c> gives remoting its certificate): for now the time source, so
/// specs can step the wall clock of one node.
/// </summary>
internal sealed class ProcessRegistrySetup(TimeProvider time) : Setup
{
    public TimeProvider Time { get; } = time;
}
