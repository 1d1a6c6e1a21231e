using Microsoft.Extensions.Configuration;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// A node's settings in node mode, bound from the host's <see cref="IConfiguration"/>: environment
/// variables (CLUSTER_*, as docker-compose sets them), command-line arguments (--CLUSTER_PORT=4053)
/// or an appsettings.json.
/// </summary>
internal sealed class NodeOptions
{
    /// <summary>The address to bind and advertise.</summary>
    [ConfigurationKeyName("CLUSTER_HOSTNAME")]
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The remoting port; 0 for any free port.</summary>
    [ConfigurationKeyName("CLUSTER_PORT")]
    public int Port { get; set; }

    /// <summary>Comma-separated seed addresses; empty: this node forms the cluster.</summary>
    [ConfigurationKeyName("CLUSTER_SEEDS")]
    public string Seeds { get; set; } = "";

    /// <summary>Comma-separated roles.</summary>
    [ConfigurationKeyName("CLUSTER_ROLES")]
    public string Roles { get; set; } = "";

    /// <summary>This node's PKCS#12 certificate and key; set, remoting runs over mutual TLS.</summary>
    [ConfigurationKeyName("CLUSTER_TLS_CERTIFICATE")]
    public string TlsCertificate { get; set; } = "";

    /// <summary>The certificate's password.</summary>
    [ConfigurationKeyName("CLUSTER_TLS_PASSWORD")]
    public string? TlsPassword { get; set; }

    /// <summary>The certificate authority every node's certificate must chain to.</summary>
    [ConfigurationKeyName("CLUSTER_TLS_CA")]
    public string TlsCa { get; set; } = "";

    public IReadOnlyList<string> SeedList => Split(Seeds);

    public IReadOnlyList<string> RoleList => Split(Roles);

    public static NodeOptions From(IConfiguration configuration) => configuration.Get<NodeOptions>() ?? new NodeOptions();

    private static string[] Split(string values) => values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

}
