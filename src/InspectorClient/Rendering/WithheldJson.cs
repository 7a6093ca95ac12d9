using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace ELicense.Inspector.Rendering;

/// <summary>
/// --json without the values of withheld fields. The protobuf formatter prints every default value
/// ("points": 0), which for a withheld field would read as data; these fields are taken out, and the
/// response's own "withheldFields" names them.
/// </summary>
internal static class WithheldJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        // Names and places stay readable, as the protobuf formatter writes them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><paramref name="json"/> (a message of <paramref name="descriptor"/>'s type) without <paramref name="paths"/>.</summary>
    public static string Remove(string json, MessageDescriptor descriptor, IEnumerable<string> paths)
    {
        if (JsonNode.Parse(json) is not JsonObject root)
        {
            return json;
        }

        foreach (var path in paths)
        {
            RemovePath(root, descriptor, path.Split('.'));
        }

        return root.ToJsonString(Options);
    }

    private static void RemovePath(JsonObject node, MessageDescriptor? descriptor, ReadOnlySpan<string> segments)
    {
        var field = descriptor?.FindFieldByName(segments[0]);
        // A path this client's contract does not know (a newer server's field) is removed by its JSON name all the same.
        var name = field?.JsonName ?? ToLowerCamel(segments[0]);
        if (segments.Length == 1)
        {
            node.Remove(name);
            return;
        }

        switch (node[name])
        {
            case JsonObject child:
                RemovePath(child, field?.MessageType, segments[1..]);
                break;
            case JsonArray items:
                foreach (var item in items.OfType<JsonObject>())
                {
                    RemovePath(item, field?.MessageType, segments[1..]);
                }

                break;
        }
    }

    private static string ToLowerCamel(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
