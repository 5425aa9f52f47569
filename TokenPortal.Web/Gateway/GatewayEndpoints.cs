using Microsoft.AspNetCore.Http.HttpResults;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Keys;

namespace TokenPortal.Web.Gateway;

/// <summary>The OpenAI-compatible API, mapped under <c>/v1</c> and <c>/api/v1</c>.</summary>
internal static class GatewayEndpoints
{
    /// <summary>True for the API's two base paths, <c>/v1</c> and <c>/api/v1</c>.</summary>
    public static bool IsApiPath(PathString path) => path.StartsWithSegments("/v1") || path.StartsWithSegments("/api/v1");

    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app, string prefix)
    {
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayRequestPipeline));
        var api = app.MapGroup(prefix).WithGatewayPipeline(app.ServiceProvider.GetRequiredService<CachedStateRefresher>(), logger);
        api.MapGet("/models", ListModels);
        api.MapGet("/models/{**id}", GetModel);
        api.MapPost("/chat/completions", ChatCompletions);
        api.MapPost("/embeddings", Embeddings);
        api.MapPost("/messages", Messages);
        api.MapPost("/responses", Responses);
        api.MapFallback(UnknownEndpoint);
        return app;
    }

    /// <summary>The catalog is public, like OpenRouter's; a presented key with an allowlist narrows it.</summary>
    private static async Task<Ok<ModelList>> ListModels(HttpContext context, IModelCatalog catalog, IApiKeyAuthenticator keys)
    {
        var key = await keys.AuthenticateAsync(ApiKeyReader.Read(context.Request), context.RequestAborted);
        var entries = catalog.Models
            .Where(m => key?.AllowedModels is not { } allowed || allowed.Contains(m.Id))
            .Select(ToEntry)
            .ToList();
        return TypedResults.Ok(new ModelList("list", entries));
    }

    private static async Task GetModel(HttpContext context, string id, IModelCatalog catalog)
    {
        var model = catalog.Find(id);
        if (model is null)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.ModelNotFound(id));
            return;
        }
        await TypedResults.Ok(ToEntry(model)).ExecuteAsync(context);
    }

    private static Task ChatCompletions(HttpContext context, IApiKeyAuthenticator keys, GatewayHandler handler, ChatCompletionsEndpoint endpoint) =>
        AuthenticateThenHandleAsync(context, keys, handler, endpoint);

    private static Task Embeddings(HttpContext context, IApiKeyAuthenticator keys, GatewayHandler handler, EmbeddingsEndpoint endpoint) =>
        AuthenticateThenHandleAsync(context, keys, handler, endpoint);

    private static Task Messages(HttpContext context, IApiKeyAuthenticator keys, GatewayHandler handler, MessagesEndpoint endpoint) =>
        AuthenticateThenHandleAsync(context, keys, handler, endpoint);

    private static Task Responses(HttpContext context, IApiKeyAuthenticator keys, GatewayHandler handler, ResponsesEndpoint endpoint) =>
        AuthenticateThenHandleAsync(context, keys, handler, endpoint);

    private static async Task AuthenticateThenHandleAsync(HttpContext context, IApiKeyAuthenticator keys, GatewayHandler handler, IGatewayEndpoint endpoint)
    {
        var key = await keys.AuthenticateAsync(ApiKeyReader.Read(context.Request), context.RequestAborted);
        if (key is null)
        {
            await endpoint.Dialect.WriteErrorAsync(context, GatewayError.InvalidApiKey());
            return;
        }
        await handler.HandleAsync(context, key, endpoint);
    }

    private static Task UnknownEndpoint(HttpContext context) =>
        GatewayErrorWriter.WriteAsync(context, new GatewayError(404, "invalid_request_error", "unknown_endpoint",
            $"There is no endpoint {context.Request.Method} {context.Request.Path}."));

    private static ModelEntry ToEntry(CatalogModel model) => new(
        model.Id, "model", 0, model.OwnedBy, model.Kind.ToString().ToLowerInvariant(),
        new ModelPricing(PerMillionUsd(model.Price.InputPerMillion), PerMillionUsd(model.Price.CachedInputPerMillion), PerMillionUsd(model.Price.OutputPerMillion),
            PerMillionUsd(model.Price.CacheWritePerMillion), PerMillionUsd(model.Price.CacheWrite1hPerMillion)),
        model.ContextLength, model.MaxOutputTokens, new ModelArchitecture(model.InputModalities, model.OutputModalities));

    private static decimal PerMillionUsd(long microsPerMillion) => MicroUsd.ToUsd(microsPerMillion);
}
