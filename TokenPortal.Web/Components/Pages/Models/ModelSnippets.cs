using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Components.Pages.Models;

/// <summary>Ready-to-paste calls for one model against this gateway's base URL.</summary>
internal static class ModelSnippets
{
    /// <summary>The snippets' languages, in the order of <see cref="For"/>'s index.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["curl", "Python", ".NET"];

    public static string For(int language, CatalogModel model, string baseUrl) => language switch
    {
        1 => Python(model, baseUrl),
        2 => DotNet(model, baseUrl),
        _ => Curl(model, baseUrl),
    };

    public static string Curl(CatalogModel model, string baseUrl) => model.Kind == ModelKind.Embedding
        ? $$"""
          curl {{baseUrl}}/embeddings \
            -H "Authorization: Bearer $TOKENPORTAL_API_KEY" \
            -H "Content-Type: application/json" \
            -d '{"model": "{{model.Id}}", "input": "The quick brown fox"}'
          """
        : $$"""
          curl {{baseUrl}}/chat/completions \
            -H "Authorization: Bearer $TOKENPORTAL_API_KEY" \
            -H "Content-Type: application/json" \
            -d '{"model": "{{model.Id}}", "messages": [{"role": "user", "content": "Hello!"}]}'
          """;

    public static string Python(CatalogModel model, string baseUrl) => model.Kind == ModelKind.Embedding
        ? $"""
          import os
          from openai import OpenAI

          client = OpenAI(base_url="{baseUrl}", api_key=os.environ["TOKENPORTAL_API_KEY"])
          vector = client.embeddings.create(model="{model.Id}", input="The quick brown fox").data[0].embedding
          """
        : $$"""
          import os
          from openai import OpenAI

          client = OpenAI(base_url="{{baseUrl}}", api_key=os.environ["TOKENPORTAL_API_KEY"])
          reply = client.chat.completions.create(
              model="{{model.Id}}",
              messages=[{"role": "user", "content": "Hello!"}],
          )
          print(reply.choices[0].message.content)
          """;

    public static string DotNet(CatalogModel model, string baseUrl) => model.Kind == ModelKind.Embedding
        ? $$"""
          using OpenAI;
          using OpenAI.Embeddings;
          using System.ClientModel;

          var client = new EmbeddingClient("{{model.Id}}", new ApiKeyCredential(Environment.GetEnvironmentVariable("TOKENPORTAL_API_KEY")!),
              new OpenAIClientOptions { Endpoint = new Uri("{{baseUrl}}") });
          var vector = (await client.GenerateEmbeddingAsync("The quick brown fox")).Value.ToFloats();
          """
        : $$"""
          using OpenAI;
          using OpenAI.Chat;
          using System.ClientModel;

          var client = new ChatClient("{{model.Id}}", new ApiKeyCredential(Environment.GetEnvironmentVariable("TOKENPORTAL_API_KEY")!),
              new OpenAIClientOptions { Endpoint = new Uri("{{baseUrl}}") });
          ChatCompletion reply = await client.CompleteChatAsync("Hello!");
          Console.WriteLine(reply.Content[0].Text);
          """;
}
