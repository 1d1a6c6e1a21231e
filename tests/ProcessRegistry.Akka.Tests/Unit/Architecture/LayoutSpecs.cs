using System.Text.RegularExpressions;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Architecture;

/// <summary>
/// The library's layout, as INTERNALS.md draws it: each folder one namespace, public types at the
/// root only, and dependencies that point one way, so no folder depends on one that depends back
/// on it, and nothing below the facade reaches up into it.
/// </summary>
public sealed partial class LayoutSpecs
{
    private static readonly string Library = Path.Combine(Repository.Root, "src", "ProcessRegistry.Akka");

    // Lower ranks first: a folder may use only folders of a lower rank.
    private static readonly Dictionary<string, int> Rank = new()
    {
        ["Support"] = 0,
        ["Diagnostics"] = 0,
        ["Conflicts"] = 0,
        ["Replication"] = 1,
        ["Backstop"] = 2,
        ["Registry"] = 3,
        ["Spawning"] = 4,
        ["Serialization"] = 5,
    };

    [Fact]
    public void Every_folder_of_the_library_is_one_namespace_and_has_a_place_in_the_layering()
    {
        foreach (var (file, folder) in SourceFiles())
        {
            var expected = folder is null ? "ProcessRegistry.Akka" : $"ProcessRegistry.Akka.{folder}";
            Assert.True(Namespace().Match(File.ReadAllText(file)).Groups[1].Value == expected, $"{Relative(file)} is not in namespace {expected}");
            Assert.True(folder is null || Rank.ContainsKey(folder), $"{folder}/ has no place in the layering (INTERNALS.md)");
        }
    }

    [Fact]
    public void A_folder_uses_only_folders_below_it()
    {
        foreach (var (file, folder) in SourceFiles())
        {
            if (folder is null) continue;
            var code = Namespace().Replace(File.ReadAllText(file), "");
            foreach (Match used in Reference().Matches(code))
            {
                var target = used.Groups[1].Value;
                if (target == folder || !Rank.TryGetValue(target, out var rank)) continue;
                Assert.True(rank < Rank[folder], $"{Relative(file)} uses {target}/, which is not below {folder}/");
            }
        }
    }

    [Fact]
    public void Nothing_below_the_facade_reaches_up_into_it()
    {
        foreach (var (file, folder) in SourceFiles())
        {
            if (folder is null) continue;
            var code = File.ReadAllText(file);
            Assert.False(FacadeUse().IsMatch(code), $"{Relative(file)} reaches the facade (ClusterProcessRegistry.Get, Registry(), or the ClusterProcessRegistry type)");
        }
    }

    [Fact]
    public void Public_types_live_at_the_root_only()
    {
        foreach (var (file, folder) in SourceFiles())
        {
            if (folder is null) continue;
            Assert.False(TopLevelPublic().IsMatch(File.ReadAllText(file)), $"{Relative(file)} declares a public type below the root");
        }
    }

    /// <summary>
    /// A public type named like a namespace segment breaks user code: in a top-level Program.cs,
    /// <c>ProcessRegistry</c> names the namespace root, so a parameter of a type of that name does
    /// not compile (CS0118).
    /// </summary>
    [Fact]
    public void No_public_type_has_the_name_of_a_namespace_segment()
    {
        var assemblies = new[] { typeof(ClusterProcessRegistry).Assembly, typeof(Akka.Hosting.ProcessRegistryOptions).Assembly };
        var segments = assemblies.SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => (type.Namespace ?? "").Split('.'))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var type in assemblies.SelectMany(assembly => assembly.GetExportedTypes()))
            Assert.False(segments.Contains(type.Name), $"public type {type.FullName} has the name of a namespace segment");
    }

    private static IEnumerable<(string File, string? Folder)> SourceFiles() =>
        Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Relative(file).StartsWith("bin", StringComparison.Ordinal) && !Relative(file).StartsWith("obj", StringComparison.Ordinal))
            .Select(file => (file, Path.GetDirectoryName(Relative(file)) is { Length: > 0 } folder ? folder : null));

    private static string Relative(string file) => Path.GetRelativePath(Library, file);

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"ProcessRegistry\.Akka\.(\w+)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"ClusterProcessRegistry\.Get\(|\.Registry\(\)|\bClusterProcessRegistry\s+\w+\s*[,)=;]|<ClusterProcessRegistry>")]
    private static partial Regex FacadeUse();

    [GeneratedRegex(@"^public\s", RegexOptions.Multiline)]
    private static partial Regex TopLevelPublic();
}
