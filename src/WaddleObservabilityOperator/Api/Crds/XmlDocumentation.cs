using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// The &lt;summary&gt; texts of an assembly's XML documentation file (the compiler's <c>GenerateDocumentationFile</c>
/// output next to the dll), flattened to one line each, which become the CRD descriptions.
/// </summary>
public sealed class XmlDocumentation
{
    private readonly IReadOnlyDictionary<string, string> _summaries;

    private XmlDocumentation(IReadOnlyDictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>No descriptions at all, for callers that need only the validation rules.</summary>
    public static XmlDocumentation None { get; } = new(new Dictionary<string, string>());

    /// <summary>Reads the documentation of the given assemblies; fails naming the file when one is missing.</summary>
    public static XmlDocumentation Load(IEnumerable<Assembly> assemblies)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in assemblies.Distinct())
        {
            // Next to the program (the build copies them there), not next to the assembly: a single-file or Native AOT
            // program's assemblies have no file of their own.
            var path = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"The XML documentation of {assembly.GetName().Name} is missing at {path}; the CRD descriptions are read from it. " +
                    "Build the operator project (it copies the file next to the dll) and run the command from the build " +
                    "(dotnet run --project src/WaddleObservabilityOperator -- ...): a published Native AOT binary carries no XML documentation.",
                    path);
            }

            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                var name = member.Attribute("name")?.Value;
                var summary = member.Element("summary");
                if (name is not null && summary is not null)
                {
                    var text = Flatten(summary);
                    if (text.Length > 0)
                    {
                        summaries[name] = text;
                    }
                }
            }
        }

        return new XmlDocumentation(summaries);
    }

    public string? Of(Type type) => Lookup("T:" + DocName(type));

    public string? Of(PropertyInfo property) => Lookup("P:" + DocName(property.DeclaringType!) + "." + property.Name);

    public string? Of(FieldInfo field) => Lookup("F:" + DocName(field.DeclaringType!) + "." + field.Name);

    private string? Lookup(string id) => _summaries.TryGetValue(id, out var text) ? text : null;

    private static string DocName(Type type) => type.FullName!.Replace('+', '.');

    // Inline markup is kept as text: <c>x</c> as `x`, <see cref="T:A.B"/> as B, paragraphs as spaces.
    private static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        Append(summary, text);
        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "c" } c:
                    text.Append('`').Append(c.Value).Append('`');
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var reference = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
                    text.Append(see.Value.Length > 0 ? see.Value : reference[(reference.LastIndexOf('.') + 1)..]);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } p:
                    text.Append(p.Attribute("name")?.Value);
                    break;
                case XElement e:
                    text.Append(' ');
                    Append(e, text);
                    text.Append(' ');
                    break;
            }
        }
    }
}
