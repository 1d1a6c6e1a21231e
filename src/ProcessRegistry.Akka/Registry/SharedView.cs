using Akka.Actor;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// This node's view, where the serializers find it: Akka creates serializers itself (and again
/// whenever an extension adds configuration), so they cannot be handed it. Records a serializer
/// reads that the view already holds are then that very instance, not a copy.
/// </summary>
internal sealed class SharedView(LocalView view) : IExtension
{
    public LocalView View => view;

    /// <summary>The view of <paramref name="system"/>, once its registry has started.</summary>
    public static LocalView? Of(ActorSystem system) => system.GetExtension<SharedView>()?.View;

    /// <summary>Makes <paramref name="view"/> the one <see cref="Of"/> finds on <paramref name="system"/>.</summary>
    public static void Register(ActorSystem system, LocalView view) => system.RegisterExtension(new Id(view));

    private sealed class Id(LocalView view) : ExtensionIdProvider<SharedView>
    {
        public override SharedView CreateExtension(ExtendedActorSystem system) => new(view);
    }
}
