using System.Text.Json.Nodes;

namespace Tessera.Protocol;

/// <summary>Shallow merge used by <c>setdata</c>: keys are replaced, a null value removes the key.</summary>
public static class JsonMerge
{
    public static JsonObject Merge(JsonObject current, JsonObject patch)
    {
        var result = (JsonObject)current.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (value is null) result.Remove(key);
            else result[key] = value.DeepClone();
        }
        return result;
    }
}
