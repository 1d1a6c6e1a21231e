using Akka.Configuration;

namespace ProcessRegistry.Akka.Demo;

/// <summary>hocon/node.conf (copied next to the program) overridden by the CLUSTER_* environment variables.</summary>
internal static class NodeConfig
{
    public const string SystemName = "chat";

    public static Config Load(string? overrides = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "node.conf");
        return ConfigurationFactory.ParseString(overrides ?? "")
            .WithFallback(ConfigurationFactory.ParseString(FromEnvironment()))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
    }

    public static IReadOnlyList<string> List(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FromEnvironment()
    {
        var lines = new List<string>();
        if (Environment.GetEnvironmentVariable("CLUSTER_HOSTNAME") is { Length: > 0 } host)
            lines.Add($"akka.remote.dot-netty.tcp.hostname = \"{host}\"");
        if (Environment.GetEnvironmentVariable("CLUSTER_PORT") is { Length: > 0 } port)
            lines.Add($"akka.remote.dot-netty.tcp.port = {int.Parse(port)}");
        lines.Add($"akka.cluster.roles = [{Quoted(List("CLUSTER_ROLES"))}]");
        lines.Add($"akka.cluster.seed-nodes = [{Quoted(List("CLUSTER_SEEDS"))}]");
        return string.Join("\n", lines);
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(",", values.Select(v => $"\"{v}\""));
}
