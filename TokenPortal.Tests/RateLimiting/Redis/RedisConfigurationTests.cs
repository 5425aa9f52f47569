using StackExchange.Redis;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Tests.RateLimiting.Redis;

/// <summary>
/// <c>Redis:Configuration</c> is a StackExchange.Redis configuration string: what the operator writes in it is what the
/// connection does; the gateway's fail-fast defaults fill only what it leaves out.
/// </summary>
public sealed class RedisConfigurationTests
{
    [Fact]
    public void ABareAddress_GetsTheGatewaysDefaults()
    {
        var options = RedisConfiguration.Parse("redis.internal:6379");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(2000, options.ConnectTimeout);
        Assert.Equal(1000, options.AsyncTimeout);
        Assert.Equal(1000, options.SyncTimeout);
        Assert.Equal("tokenportal", options.ClientName);
        Assert.Equal(BacklogPolicy.FailFast, options.BacklogPolicy);
        var endPoint = Assert.IsType<System.Net.DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(("redis.internal", 6379), (endPoint.Host, endPoint.Port));
    }

    [Fact]
    public void OptionsTheStringNames_Win_WhateverTheirCase()
    {
        var options = RedisConfiguration.Parse("redis.internal:6379, AsyncTimeout=5000,syncTimeout=4000,connectTimeout=9000,abortConnect=true,name=edge-1,defaultDatabase=3,password=s3cret");

        Assert.True(options.AbortOnConnectFail);
        Assert.Equal(9000, options.ConnectTimeout);
        Assert.Equal(5000, options.AsyncTimeout);
        Assert.Equal(4000, options.SyncTimeout);
        Assert.Equal("edge-1", options.ClientName);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.Equal("s3cret", options.Password);
    }
}
