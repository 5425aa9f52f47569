using System.Text.Json;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Request parameters that make the provider charge more than the tokens the catalog prices: a priority tier, web
/// search, audio in or out, predicted outputs, OpenRouter's choice of host (each host at its own price). They pass only
/// to models whose catalog entry lists them.
/// </summary>
public static class PricedParameters
{
    public const string ServiceTier = "service_tier";
    public const string WebSearchOptions = "web_search_options";
    public const string SearchParameters = "search_parameters";
    public const string Plugins = "plugins";
    public const string Audio = "audio";
    public const string Modalities = "modalities";
    public const string Prediction = "prediction";
    public const string Provider = "provider";

    /// <summary>The parameter the reader's property name is, when it is one of these.</summary>
    internal static string? Match(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("service_tier"u8) ? ServiceTier
        : reader.ValueTextEquals("web_search_options"u8) ? WebSearchOptions
        : reader.ValueTextEquals("search_parameters"u8) ? SearchParameters
        : reader.ValueTextEquals("plugins"u8) ? Plugins
        : reader.ValueTextEquals("audio"u8) ? Audio
        : reader.ValueTextEquals("modalities"u8) ? Modalities
        : reader.ValueTextEquals("prediction"u8) ? Prediction
        : reader.ValueTextEquals("provider"u8) ? Provider
        : null;

    /// <summary>Whether the value at the reader asks for the priced feature (null, the default tier, an empty list or text-only output do not). The reader does not move.</summary>
    internal static bool IsInUse(string parameter, ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return false;
        switch (parameter)
        {
            case ServiceTier:
                return !(reader.TokenType == JsonTokenType.String && (reader.ValueTextEquals("auto"u8) || reader.ValueTextEquals("default"u8)));
            case Modalities:
                if (reader.TokenType != JsonTokenType.StartArray)
                    return true;
                var items = reader;
                while (items.Read() && items.TokenType != JsonTokenType.EndArray)
                {
                    if (!(items.TokenType == JsonTokenType.String && items.ValueTextEquals("text"u8)))
                        return true;
                }
                return false;
            case Plugins:
                if (reader.TokenType != JsonTokenType.StartArray)
                    return true;
                var plugins = reader;
                return plugins.Read() && plugins.TokenType != JsonTokenType.EndArray;
            case Provider:
                if (reader.TokenType != JsonTokenType.StartObject)
                    return true;
                var preferences = reader;
                return preferences.Read() && preferences.TokenType != JsonTokenType.EndObject;
            default:
                return reader.TokenType != JsonTokenType.False;
        }
    }
}
