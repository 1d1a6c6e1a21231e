using System.Diagnostics;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A node in its own OS process, as users deploy them: this benchmark program started again in
/// one of its node modes, told what to do on its standard input and answering on its output.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process) => _process = process;

    public static NodeProcess Start(params string[] arguments)
    {
        // Started as "dotnet <dll>" the process is the host, which needs the assembly again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            arguments = [typeof(NodeProcess).Assembly.Location, .. arguments];
        return new NodeProcess(Process.Start(new ProcessStartInfo(Environment.ProcessPath!, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!);
    }

    public async Task Send(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The rest of the first line that starts with <paramref name="word"/>.</summary>
    public async Task<string> Expect(string word)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal))
                return line[word.Length..].Trim();
        }
        throw new InvalidOperationException($"The node process exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before it said {word}.");
    }

    /// <summary>
    /// Asks the node to quit (a node leaves the cluster first, so the others are not left retrying
    /// to reach it) and waits up to 30 s for it to exit; kills it after that.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await Send("quit");
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (IOException)
            {
                // It exited on its own meanwhile.
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
