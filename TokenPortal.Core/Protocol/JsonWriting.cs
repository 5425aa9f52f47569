using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenPortal.Core.Protocol;

/// <summary>
/// How the gateway writes JSON for clients: only what JSON requires is escaped, so quotes in tool
/// arguments read as <c>\"</c> and text keeps its apostrophes and accents. (The "unsafe" in the encoder's
/// name concerns embedding in HTML, which API bodies never are.)
/// </summary>
internal static class JsonWriting
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
