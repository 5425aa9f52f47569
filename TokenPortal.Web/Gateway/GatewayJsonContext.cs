using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
