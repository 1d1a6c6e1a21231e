using Akka.Actor;
using Akka.DependencyInjection;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>A spawn kind for <see cref="ProcessRegistryOptions.AddKind(string, Func{string, IDependencyResolver, Props}, SpawnKindOptions)"/>: its name, the factory of a key's props, and how its processes run.</summary>
/// <param name="Name">The kind's name: 1 to 64 letters, digits, '.', '_', '-' or '/'.</param>
/// <param name="Factory">Makes the props of a key's process on the node that starts it.</param>
/// <param name="Options">The role its hosts must have, and whether its keys are durable.</param>
public sealed record ProcessRegistryKind(string Name, Func<string, IDependencyResolver, Props> Factory, SpawnKindOptions Options);
