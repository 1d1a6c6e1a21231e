using System.Diagnostics;
using System.Net.Http.Json;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.Processes;

/// <summary>
/// The deployed shape over mutual TLS: demo nodes as OS processes with certificates from
/// scripts/make-certs.sh. Nodes whose certificates the cluster's CA signed form the cluster and
/// replicate the registry; a node with another CA's certificate, or with none, cannot join.
/// </summary>
public sealed class TlsProcessSpecs(ITestOutputHelper output) : DemoProcessSpec(output)
{
    private readonly string _certificates = Directory.CreateTempSubdirectory("registry-tls-").FullName;

    protected override Task DisposeMoreAsync()
    {
        Directory.Delete(_certificates, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Only_nodes_whose_certificates_the_clusters_CA_signed_join_and_reach_the_registry()
    {
        var trusted = await MakeCertificates("trusted", "seed", "member");
        var rogue = await MakeCertificates("rogue", "rogue");
        var seed = await Start("", Tls(trusted, "seed"));
        Assert.StartsWith("akka.ssl.tcp://", seed.Address);
        var member = await Start(seed.Address, Tls(trusted, "member"));
        await Eventually(async () =>
        {
            foreach (var node in new[] { seed, member })
                Assert.Equal(2, (await node.Get<ClusterView>(Http, "/cluster")).Members.Count(m => m.Status == "Up"));
        });
        using (var posted = await Http.PostAsync(new Uri(member.Http, "/rooms/secure"), new StringContent("hi")))
            posted.EnsureSuccessStatusCode();
        await Eventually(async () => Assert.Contains(await seed.Get<List<EntryView>>(Http, "/entries"), e => e.Key == "room/secure"));

        var outsider = await Start(seed.Address, Tls(rogue, "rogue"));
        var plain = await Start(seed.Address.Replace("akka.ssl.tcp://", "akka.tcp://"), new Dictionary<string, string>());
        // Each has tried the seed and been turned away by then (Akka shuts a node down whose TLS handshake fails).
        await outsider.WaitForOutput(line => line.Contains("Refused a TLS connection"), Patience);
        await plain.WaitForOutput(line => line.Contains("AssociationError") && line.Contains(seed.Address.Split('@')[1]), Patience);

        foreach (var node in new[] { seed, member })
        {
            var members = (await node.Get<ClusterView>(Http, "/cluster")).Members;
            Assert.Equal(new[] { seed.Address, member.Address }.Order(), members.Select(m => m.Address).Order());
            Assert.All(await node.Get<List<EntryView>>(Http, "/entries"), e => Assert.Contains(e.Node, new[] { seed.Address, member.Address }));
        }
        foreach (var node in new[] { outsider, plain }.Where(node => !node.HasExited))
            Assert.DoesNotContain((await node.Get<ClusterView>(Http, "/cluster")).Members, m => m.Status == "Up");
    }

    private async Task<string> MakeCertificates(string folder, params string[] nodes)
    {
        var directory = Path.Combine(_certificates, folder);
        var script = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "make-certs.sh"), directory, .. nodes])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(script)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"make-certs.sh failed: {errors}");
        return directory;
    }

    private static Dictionary<string, string> Tls(string directory, string node) => new()
    {
        ["CLUSTER_TLS_CERTIFICATE"] = Path.Combine(directory, $"{node}.pfx"),
        ["CLUSTER_TLS_PASSWORD"] = "change-me",
        ["CLUSTER_TLS_CA"] = Path.Combine(directory, "ca.crt"),
    };
}
