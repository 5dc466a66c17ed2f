using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>HEAD is answered wherever GET is (RFC 9110 9.1): the GET's status and headers, no body.</summary>
public sealed class HeadRequestTests : ConsoleTestBase
{
    [Fact]
    public async Task EveryEndpointThatTakesGet_TakesHead()
    {
        var takingGet = ((IEndpointRouteBuilder)App.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .ToList();

        Assert.Contains(takingGet, e => e.RoutePattern.RawText?.TrimStart('/') == "api/v1/sources");
        Assert.All(takingGet, e => Assert.Contains(HttpMethods.Head, e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods));
    }

    [Theory]
    [InlineData("/style.css", HttpStatusCode.OK)]
    [InlineData("/login", HttpStatusCode.OK)]
    [InlineData("/api/v1/sources", HttpStatusCode.Unauthorized)]
    public async Task Head_AnswersAsGetDoes_WithoutABody(string path, HttpStatusCode expected)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.Address };

        using var get = await http.GetAsync(new Uri(path, UriKind.Relative));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));

        Assert.Equal(expected, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_OnADownload_NeedsASessionLikeGet()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.Address };

        using var get = await http.GetAsync(new Uri("/items/0123456789abcdef/download", UriKind.Relative));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/items/0123456789abcdef/download", UriKind.Relative)));

        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Headers.Location, head.Headers.Location);
    }
}
