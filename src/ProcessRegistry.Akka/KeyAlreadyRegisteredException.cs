using Akka.Actor;

namespace ProcessRegistry.Akka;

/// <summary>
/// A key is held by a different live process (syn's <c>taken</c>). Nothing was written.
/// </summary>
public sealed class KeyAlreadyRegisteredException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="key"/> held by <paramref name="holder"/>.</summary>
    public KeyAlreadyRegisteredException(string key, IActorRef holder)
        : base($"Key '{key}' is already registered to {holder.Path}.")
    {
        Key = key;
        Holder = holder;
    }

    /// <summary>The contested key.</summary>
    public string Key { get; }

    /// <summary>The live process that holds the key.</summary>
    public IActorRef Holder { get; }
}
