using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Hosting;

/// <summary>HEAD is answered wherever GET is (RFC 9110 9.1): the GET's status and headers, no body.</summary>
public sealed class HeadRequestTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/public-key")]
    [InlineData("/style.css")]
    [InlineData("/logo.png")]
    [InlineData("/login")]
    [InlineData("/no-such-page")]
    public async Task Head_AnswersAsGetDoes_WithoutABody(string path)
    {
        await using var host = await FrontEndHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address };

        using var get = await http.GetAsync(new Uri(path, UriKind.Relative));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));

        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        if (path == "/public-key")
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task EveryEndpointThatTakesGet_TakesHead()
    {
        await using var host = await FrontEndHost.StartAsync();

        var takingGet = ((IEndpointRouteBuilder)host.App.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .ToList();

        Assert.Contains(takingGet, e => e.RoutePattern.RawText?.TrimStart('/') == "public-key");
        Assert.All(takingGet, e => Assert.Contains(HttpMethods.Head, e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods));
    }
}
