using System.Buffers;
using System.Text;
using System.Text.Json;

using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Reads an OpenAI chat request in one forward pass: validates its shape, picks out the fields the gateway acts on,
/// and bounds the prompt's tokens for the reservation. Every string, number and name counts; an image (where the
/// converters take one, <c>image_url</c>'s url or <c>image_url</c> as a string: a <c>data:image/...;base64</c> value or an
/// http(s) link) counts as the model's most expensive image, and the same text anywhere else counts as text; content
/// whose cost the gateway cannot bound (inline files, audio, video) is refused. Nothing is materialised.
/// </summary>
public static class ChatRequestReader
{
    /// <summary>What providers add to the prompt when tools are offered (Anthropic's tool-use system prompt is about 350).</summary>
    internal const int ToolsOverheadTokens = 400;

    // Role markers and message separators the upstream adds per message, plus the reply's priming.
    private const int TokensPerMessage = 4;
    private const int TokensPerRequest = 3;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static RequestInfo Read(ReadOnlySpan<byte> json, TokenCounter tokens, out GatewayError? error)
    {
        try
        {
            return ReadCore(json, tokens, out error)!;
        }
        catch (JsonException ex)
        {
            error = GatewayError.InvalidRequest($"The request body is not valid JSON: {ex.Message}");
            return null!;
        }
        catch (InvalidOperationException)
        {
            // The reader's typed getters: a string that is no valid UTF-16 (a lone surrogate escape such as "\ud800").
            error = GatewayError.InvalidRequest("The request body holds a string that is not valid text (a lone surrogate escape?).");
            return null!;
        }
    }

    /// <summary>What the gateway reads itself: each may appear once (the provider might read another copy than ours).</summary>
    private static readonly byte[][] InterpretedProperties = RepeatedProperty.Names(
        "model", "models", "stream", "max_tokens", "max_completion_tokens", "n", "stream_options", "messages", "tools", "functions",
        PricedParameters.ServiceTier, PricedParameters.WebSearchOptions, PricedParameters.SearchParameters, PricedParameters.Plugins,
        PricedParameters.Audio, PricedParameters.Modalities, PricedParameters.Prediction, PricedParameters.Provider);

    private static RequestInfo? ReadCore(ReadOnlySpan<byte> json, TokenCounter tokens, out GatewayError? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return Fail(out error, GatewayError.InvalidRequest("The request body must be a JSON object."));

        string? model = null;
        List<string>? fallbacks = null;
        bool stream = false, includeUsage = false, sawMessages = false;
        int? maxTokens = null;
        int choices = 1, messages = 0;
        var tally = new PromptTally(tokens);
        List<string>? priced = null;

        var seen = 0u;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (RepeatedProperty.IsRepeat(ref reader, InterpretedProperties, ref seen))
                return Fail(out error, RepeatedProperty.Error(ref reader));
            // A name the gateway does not read still reaches the provider: it must be valid text too.
            JsonText.Check(ref reader);
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    return Fail(out error, GatewayError.InvalidRequest("'model' must be a string.", "model"));
                model = reader.GetString();
            }
            else if (reader.ValueTextEquals("models"u8))
            {
                reader.Read();
                if (ReadModels(ref reader, out fallbacks) is { } invalid)
                    return Fail(out error, invalid);
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    return Fail(out error, GatewayError.InvalidRequest("'stream' must be a boolean.", "stream"));
                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
            {
                var name = reader.ValueTextEquals("max_tokens"u8) ? "max_tokens" : "max_completion_tokens";
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value < 1)
                    return Fail(out error, GatewayError.InvalidRequest($"'{name}' must be a positive integer.", name));
                maxTokens = maxTokens is null ? value : Math.Min(maxTokens.Value, value);
            }
            else if (reader.ValueTextEquals("n"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out choices) || choices is < 1 or > 128)
                    return Fail(out error, GatewayError.InvalidRequest("'n' must be an integer from 1 to 128.", "n"));
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.StartObject)
                    return Fail(out error, GatewayError.InvalidRequest("'stream_options' must be an object.", "stream_options"));
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    JsonText.Check(ref reader);
                    var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
                    reader.Read();
                    if (isIncludeUsage)
                    {
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                            return Fail(out error, GatewayError.InvalidRequest("'stream_options.include_usage' must be a boolean.", "stream_options"));
                        includeUsage = reader.TokenType == JsonTokenType.True;
                    }
                    else
                    {
                        JsonText.SkipChecked(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    return Fail(out error, GatewayError.InvalidRequest("'messages' must be an array of message objects.", "messages"));
                sawMessages = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        return Fail(out error, GatewayError.InvalidRequest($"'messages[{messages}]' must be an object.", "messages"));
                    tally.Add(TokensPerMessage);
                    tally.CountValue(ref reader, message: messages);
                    if (tally.Error is not null)
                        return Fail(out error, tally.Error);
                    messages++;
                }
            }
            else
            {
                // tools, functions, response_format schemas...: the upstream counts them as prompt.
                var parameter = PricedParameters.Match(ref reader);
                var isTools = reader.ValueTextEquals("tools"u8);
                if (reader.ValueTextEquals("cache_control"u8))
                    tally.WritesCache = true;
                reader.Read();
                if (parameter is not null && PricedParameters.IsInUse(parameter, ref reader))
                    (priced ??= []).Add(parameter);
                var before = tally.Tokens;
                tally.CountValue(ref reader, message: -1);
                if (isTools && tally.Tokens > before)
                    tally.Add(ToolsOverheadTokens);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            return Fail(out error, GatewayError.InvalidRequest("The request body must be a single JSON object."));
        if (string.IsNullOrWhiteSpace(model) && fallbacks is [var first, ..])
            (model, fallbacks) = (first, fallbacks[1..]);
        if (string.IsNullOrWhiteSpace(model))
            return Fail(out error, GatewayError.InvalidRequest("You must provide a model parameter.", "model"));
        if (!sawMessages || messages == 0)
            return Fail(out error, GatewayError.InvalidRequest("'messages' must contain at least one message.", "messages"));

        error = null;
        tally.Add(TokensPerRequest);
        return new RequestInfo(model, stream, stream && includeUsage, maxTokens, choices, tally.Tokens, tally.Images, priced,
            fallbacks is { Count: > 0 } ? fallbacks : null, tally.WritesCache);
    }

    /// <summary>The most models a request may name in <c>models</c>: each is a reservation's worth of upstream attempts.</summary>
    public const int MaxFallbackModels = 8;

    /// <summary>Reads <c>models</c>, OpenRouter's fallback list: model ids tried in order when the one before fails.</summary>
    private static GatewayError? ReadModels(ref Utf8JsonReader reader, out List<string>? models)
    {
        models = null;
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        var invalid = GatewayError.InvalidRequest($"'models' must be an array of 1 to {MaxFallbackModels} model ids.", "models");
        if (reader.TokenType != JsonTokenType.StartArray)
            return invalid;
        models = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } id || models.Count == MaxFallbackModels)
                return invalid;
            models.Add(id);
        }
        return models.Count == 0 ? invalid : null;
    }

    private static RequestInfo? Fail(out GatewayError? error, GatewayError value)
    {
        error = value;
        return null;
    }

    /// <summary>The prompt's bound as the reader goes: text tokens, images, and the first part it must refuse.</summary>
    private struct PromptTally(TokenCounter tokens)
    {
        private readonly char[] _scratch = new char[256];

        public int Tokens { get; private set; }

        public int Images { get; private set; }

        public GatewayError? Error { get; private set; }

        /// <summary>A <c>cache_control</c> marker was seen: the provider may write the prompt to its cache, at the write price.</summary>
        public bool WritesCache { get; set; }

        public void Add(int count) => Tokens = (int)Math.Min(int.MaxValue, (long)Tokens + count);

        /// <summary>
        /// Counts the value at the reader (which it then leaves at that value's end). Inside message
        /// <paramref name="message"/> (-1 outside messages), images are told from text and parts it cannot bound are refused.
        /// </summary>
        public void CountValue(ref Utf8JsonReader reader, int message)
        {
            var property = Property.Other;
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                CountToken(ref reader, message, ref property);
                return;
            }
            var depth = reader.CurrentDepth;
            while (Error is null && reader.Read() && reader.CurrentDepth > depth)
                CountToken(ref reader, message, ref property);
        }

        /// <summary>One token of a value; <paramref name="property"/> is the name the next value belongs to.</summary>
        private void CountToken(ref Utf8JsonReader reader, int message, ref Property property)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (reader.ValueTextEquals("cache_control"u8))
                        WritesCache = true;
                    // Only inside messages does it matter whose value a string is: a part's type, or an image, which the
                    // converters take from image_url's url or from image_url given as a string.
                    property = message < 0 ? Property.Other
                        : reader.ValueTextEquals("type"u8) ? Property.Type
                        : reader.ValueTextEquals("url"u8) || reader.ValueTextEquals("image_url"u8) ? Property.Image
                        : Property.Other;
                    Add(CountString(ref reader));
                    return;
                case JsonTokenType.String when message >= 0:
                    CountMessageString(ref reader, message, property);
                    break;
                case JsonTokenType.String:
                    Add(CountString(ref reader));
                    break;
                case JsonTokenType.Number:
                    // A digit, sign or point may each be a token of its own.
                    Add(reader.ValueSpan.Length);
                    break;
                case JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null:
                    Add(1);
                    break;
            }
            property = Property.Other;
        }

        private void CountMessageString(ref Utf8JsonReader reader, int message, Property property)
        {
            if (property == Property.Other)
            {
                // Text, whatever it looks like: a provider reads "data:image/png;base64,..." in a message's text as text.
                Add(CountString(ref reader));
                return;
            }
            // Compared as the provider reads it, escapes decoded: "\u0066ile" is a file part, "https:\/\/..." a link.
            Span<byte> buffer = stackalloc byte[HeadBytes];
            ReadOnlySpan<byte> head = buffer[..JsonText.CopyHead(ref reader, buffer)];
            if (property == Property.Type && RefusedPartType(head) is { } type)
            {
                Error = GatewayError.InvalidRequest(
                    $"messages[{message}]: content parts of type '{type}' are not accepted: the gateway cannot bound what the provider charges for them. Send text or images.",
                    "messages");
                return;
            }
            if (property == Property.Image && StartsWithIgnoringCase(head, "data:"u8) && DataUrlMediaType(head) is { } mediaType)
            {
                if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    Images++;
                    return;
                }
                Error = GatewayError.InvalidRequest(
                    $"messages[{message}]: inline data of type '{mediaType}' is not accepted: the gateway cannot bound what the provider charges for it. Only images may be sent inline.",
                    "messages");
                return;
            }
            if (property == Property.Image && (StartsWithIgnoringCase(head, "https://"u8) || StartsWithIgnoringCase(head, "http://"u8)))
            {
                Images++;
                return;
            }
            Add(CountString(ref reader));
        }

        /// <summary>How much of a string <see cref="CountMessageString"/> looks at: a part's type, or a data URL's header.</summary>
        private const int HeadBytes = 128;

        private static bool StartsWithIgnoringCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> asciiPrefix) =>
            text.Length >= asciiPrefix.Length && System.Text.Ascii.EqualsIgnoreCase(text[..asciiPrefix.Length], asciiPrefix);

        private readonly int CountString(ref Utf8JsonReader reader)
        {
            // The reader runs over one contiguous buffer, so values never span segments.
            var raw = reader.ValueSpan;
            if (raw.Length <= _scratch.Length)
            {
                // Most strings (names, roles, short values) are small: one buffer per request serves them all.
                var written = reader.ValueIsEscaped ? reader.CopyString(_scratch) : Encoding.UTF8.GetChars(raw, _scratch);
                return tokens.Count(_scratch.AsSpan(0, written));
            }
            var rented = ArrayPool<char>.Shared.Rent(raw.Length);
            try
            {
                var length = reader.ValueIsEscaped ? reader.CopyString(rented) : Encoding.UTF8.GetChars(raw, rented);
                return tokens.Count(rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        private static string? RefusedPartType(ReadOnlySpan<byte> type) =>
            type.SequenceEqual("file"u8) ? "file"
            : type.SequenceEqual("input_file"u8) ? "input_file"
            : type.SequenceEqual("input_audio"u8) ? "input_audio"
            : type.SequenceEqual("audio_url"u8) ? "audio_url"
            : type.SequenceEqual("video_url"u8) ? "video_url"
            : type.SequenceEqual("input_video"u8) ? "input_video"
            : type.SequenceEqual("document"u8) ? "document"
            : null;

        /// <summary>The media type of a <c>data:TYPE;base64,</c> value's head; null when it only starts like one ("data: hello").</summary>
        private static string? DataUrlMediaType(ReadOnlySpan<byte> head)
        {
            var marker = head.IndexOf(";base64,"u8);
            if (marker <= 5)
                return null;
            var mediaType = head[5..marker];
            foreach (var b in mediaType)
            {
                if (b is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                    or (byte)'/' or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'_'))
                    return null;
            }
            return mediaType.IndexOf((byte)'/') > 0 ? Encoding.ASCII.GetString(mediaType) : null;
        }

        private enum Property
        {
            Other,
            Type,
            Image,
        }
    }
}
