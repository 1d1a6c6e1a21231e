using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace PackageConsumer;

/// <summary>
/// What a feed shows of each package: a home and a repository a reader can open, an icon, a
/// README whose links work away from the repository, and symbols that hold no build machine's paths.
/// </summary>
public sealed partial class PackageMetadataSpecs
{
    public static TheoryData<string> Packages => new() { "ProcessRegistry.Akka", "ProcessRegistry.Akka.Hosting", "ProcessRegistry.Akka.TestKit" };

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_package_names_its_home_and_repository_as_web_addresses_and_carries_its_icon(string id)
    {
        using var package = Open(id, "nupkg");
        var metadata = Nuspec(package);

        Assert.StartsWith("https://", Element(metadata, "projectUrl").Value);
        var repository = Element(metadata, "repository");
        Assert.StartsWith("https://", repository.Attribute("url")?.Value);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value);
        var icon = Element(metadata, "icon").Value;
        Assert.NotNull(package.GetEntry(icon));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_packed_README_links_to_nothing_relative_to_the_repository(string id)
    {
        using var package = Open(id, "nupkg");
        var readme = Read(package.GetEntry(Element(Nuspec(package), "readme").Value)!);

        var relative = MarkdownLink().Matches(readme).Select(m => m.Groups["target"].Value)
            .Where(target => !target.StartsWith('#') && !Uri.TryCreate(target, UriKind.Absolute, out _))
            .ToList();
        Assert.Empty(relative);
        Assert.Contains("INTERNALS.md", readme);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_symbols_name_sources_by_repository_path_not_by_the_build_machines(string id)
    {
        using var symbols = Open(id, "snupkg");
        var pdbs = symbols.Entries.Where(entry => entry.FullName.EndsWith(".pdb", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(pdbs);
        foreach (var pdb in pdbs)
        {
            using var stream = new MemoryStream();
            pdb.Open().CopyTo(stream);
            stream.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
            var reader = provider.GetMetadataReader();
            var documents = reader.Documents.Select(handle => reader.GetString(reader.GetDocument(handle).Name)).ToList();
            Assert.NotEmpty(documents);
            // ContinuousIntegrationBuild maps the repository's root to /_/.
            Assert.All(documents, document => Assert.StartsWith("/_/", document));
        }
    }

    private static ZipArchive Open(string id, string extension) =>
        ZipFile.OpenRead(Path.Combine(Metadata("PackageSource"), $"{id}.{Metadata("PackageVersion")}.{extension}"));

    private static XElement Nuspec(ZipArchive package) =>
        XDocument.Parse(Read(package.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal))))
            .Root!.Elements().Single(element => element.Name.LocalName == "metadata");

    private static XElement Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(element => element.Name.LocalName == name)
        ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>.");

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static string Metadata(string key) =>
        typeof(PackageMetadataSpecs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Built without {key}.");

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
