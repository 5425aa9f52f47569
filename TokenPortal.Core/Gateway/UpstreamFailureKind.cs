namespace TokenPortal.Core.Gateway;

/// <summary>Why an upstream attempt failed, as the router needs to know it (YARP's <c>ForwarderError</c> in spirit).</summary>
public enum UpstreamFailureKind
{
    /// <summary>The provider could not be reached: refused or reset connection, DNS, TLS.</summary>
    Connect,

    /// <summary>No answer within the provider's timeout (before the reply, or silence in it).</summary>
    Timeout,

    /// <summary>HTTP 429: the provider is limiting the gateway's account.</summary>
    RateLimited,

    /// <summary>HTTP 5xx, or an overloaded/server error reported inside a successful reply.</summary>
    ServerError,

    /// <summary>HTTP 401 or 403: the provider refused the gateway's credentials.</summary>
    Refused,

    /// <summary>HTTP 400, 413 or 422: the provider refused the request itself, which is the caller's to fix.</summary>
    CallerError,

    /// <summary>Any other status (404 for an unknown upstream model, ...).</summary>
    OtherStatus,

    /// <summary>A reply the gateway cannot read, or an error reported in place of the answer.</summary>
    InvalidReply,

    /// <summary>The reply or stream was cut off before it was complete.</summary>
    Broken,

    /// <summary>The channel cannot take this request at all (a provider without embeddings, the operator's upstream RPM).</summary>
    Unsuitable,
}
