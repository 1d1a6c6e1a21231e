using Akka.Actor;
using Akka.DependencyInjection;

namespace ProcessRegistry.Akka.Hosting;

/// <summary>A spawn kind for <see cref="ProcessRegistryOptions.AddKind"/>: its name, the factory of a key's props, and the role its hosts must have.</summary>
/// <param name="Name">The kind's name: 1 to 64 letters, digits, '.', '_', '-' or '/'.</param>
/// <param name="Factory">Makes the props of a key's process on the node that starts it.</param>
/// <param name="Role">The role a member must have to host the kind's processes; null for any.</param>
public sealed record ProcessRegistryKind(string Name, Func<string, IDependencyResolver, Props> Factory, string? Role = null);
