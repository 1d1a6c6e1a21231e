using Akka.Configuration;

namespace ProcessRegistry.Akka.Demo;

/// <summary>hocon/node.conf (copied next to the program), with <paramref name="overrides"/> on top.</summary>
internal static class NodeConfig
{
    public const string SystemName = "chat";

    public static Config Load(string? overrides = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "node.conf");
        return ConfigurationFactory.ParseString(overrides ?? "")
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
    }
}
