namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>The repository the tests run from: its sources and scripts.</summary>
public static class Repository
{
    /// <summary>The folder that holds ProcessRegistry.Akka.sln, above the test's output directory.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcessRegistry.Akka.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (ProcessRegistry.Akka.sln) is not above the test's directory.");
    }
}
