// Extracts every ```csharp block of a markdown file into a C# file that compiles in
// tests/ReadmeSnippets (against the packed packages), so the README's code is checked as written.
// Usage: dotnet run scripts/readme-snippets.cs -- README.md tests/ReadmeSnippets/Generated
//
// A block's type declarations (a line at column 0 that starts one, through the line that closes it)
// stay types; its other lines become the body of an async method whose parameters are the few
// things a snippet takes from its surroundings (system, roomRef, services, args). Types a snippet
// only names (Room, Say, ChatRoom, ...) come from tests/ReadmeSnippets/Prelude.cs.
using System.Text;
using System.Text.RegularExpressions;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: readme-snippets.cs <markdown> <output folder>");
    return 2;
}
var lines = File.ReadAllLines(args[0]);
var output = args[1];
Directory.CreateDirectory(output);
foreach (var stale in Directory.GetFiles(output, "Block*.cs"))
    File.Delete(stale);

var typeStart = new Regex(@"^(public |internal |file )?(sealed |static |abstract |partial )*(class|record|struct|interface|enum) ");
var blocks = 0;
for (var i = 0; i < lines.Length; i++)
{
    if (lines[i].Trim() != "```csharp") continue;
    var body = new List<string>();
    for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
        body.Add(lines[i]);
    blocks++;

    var usings = new List<string>();
    var types = new List<string>();
    var statements = new List<string>();
    for (var j = 0; j < body.Count; j++)
    {
        var line = body[j];
        if (line.StartsWith("using ") && line.TrimEnd().EndsWith(';'))
        {
            usings.Add(line);
            continue;
        }
        if (!typeStart.IsMatch(line))
        {
            statements.Add(line);
            continue;
        }
        // A declaration that ends on its own line (a record with a semicolon), or at the next "}" at column 0.
        types.Add(line);
        if (line.TrimEnd().EndsWith(';')) continue;
        for (j++; j < body.Count; j++)
        {
            types.Add(body[j]);
            if (body[j].StartsWith('}')) break;
        }
    }

    var file = new StringBuilder();
    file.AppendLine($"// Generated from {Path.GetFileName(args[0])}, C# block {blocks}, by scripts/readme-snippets.cs. Do not edit.");
    foreach (var line in usings)
        file.AppendLine(line);
    file.AppendLine($"namespace Readme.Block{blocks}");
    file.AppendLine("{");
    foreach (var line in types)
        file.AppendLine("    " + line);
    file.AppendLine();
    file.AppendLine("    public static class Snippet");
    file.AppendLine("    {");
    file.AppendLine("        public static async Task Run(ActorSystem system, IActorRef roomRef, IServiceCollection services, string[] args)");
    file.AppendLine("        {");
    foreach (var line in statements)
        file.AppendLine("            " + line);
    file.AppendLine("            await Task.CompletedTask;");
    file.AppendLine("        }");
    file.AppendLine("    }");
    file.AppendLine("}");
    File.WriteAllText(Path.Combine(output, $"Block{blocks}.cs"), file.ToString());
}
Console.WriteLine($"{blocks} C# blocks of {args[0]} written to {output}");
return blocks > 0 ? 0 : 1;
