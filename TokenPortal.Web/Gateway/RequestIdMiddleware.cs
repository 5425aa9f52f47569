using System.Security.Cryptography;

namespace TokenPortal.Web.Gateway;

/// <summary>Gives every request an id, sent back as <c>x-request-id</c> and written to its log row.</summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public Task InvokeAsync(HttpContext context)
    {
        var id = "req_" + RandomNumberGenerator.GetString(Alphabet, 24);
        context.TraceIdentifier = id;
        context.Response.Headers["x-request-id"] = id;
        return next(context);
    }
}
