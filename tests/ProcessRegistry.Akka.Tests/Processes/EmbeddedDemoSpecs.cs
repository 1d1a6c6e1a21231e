using System.Diagnostics;
using System.Reflection;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Processes;

/// <summary>
/// The README's first command, as a newcomer runs it: the embedded demo finishes, shows its
/// summary, and prints none of Akka's own log lines (a downed node's and a shutdown's
/// "Disassociated" traces) over its output; those go to a file it names.
/// </summary>
public sealed class EmbeddedDemoSpecs
{
    private static readonly string DemoAssembly = typeof(EmbeddedDemoSpecs).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DemoAssembly").Value!;

    [Fact]
    public async Task The_embedded_demo_runs_to_its_summary_with_no_Akka_log_lines_in_its_output()
    {
        var start = new ProcessStartInfo("dotnet", [DemoAssembly, "--rooms", "200"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var demo = Process.Start(start)!;
        var output = demo.StandardOutput.ReadToEndAsync();
        var errors = demo.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await demo.WaitForExitAsync(deadline.Token);
        var printed = await output + await errors;

        Assert.True(demo.ExitCode == 0, printed);
        Assert.Contains("Summary", printed);
        Assert.Contains("new rooms placed on the node that", printed);
        Assert.DoesNotContain("[ERROR]", printed);
        Assert.DoesNotContain("[WARNING]", printed);
        Assert.DoesNotContain("Exception", printed);
        var log = printed.Split('\n').Single(line => line.StartsWith("Akka's log of the run: ", StringComparison.Ordinal))["Akka's log of the run: ".Length..].Trim();
        Assert.True(File.Exists(log), $"no log at {log}");
        File.Delete(log);
    }
}
