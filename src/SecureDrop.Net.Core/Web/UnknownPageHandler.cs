using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// A request naming a Razor Pages handler the page does not have (<c>?handler=nope</c>) gets 404. Razor Pages would
/// otherwise run the page's unnamed handler (OnGet, OnPost) and answer 200 or act, as if the action had run.
/// </summary>
public static class UnknownPageHandler
{
    public static IMvcBuilder RefuseUnknownPageHandlers(this IMvcBuilder builder) =>
        builder.AddMvcOptions(options => options.Filters.Add(new Filter()));

    private sealed class Filter : IPageFilter
    {
        public void OnPageHandlerSelected(PageHandlerSelectedContext context)
        {
        }

        public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
        {
            // The same places Razor Pages reads a handler name from: the route, then the query string. An unnamed handler
            // (OnGet, OnPost) matches any name, so "selected" is not enough: the selected handler must carry that name.
            var name = context.RouteData.Values.TryGetValue("handler", out var route) && route?.ToString() is { Length: > 0 } fromRoute
                ? fromRoute
                : context.HttpContext.Request.Query["handler"].FirstOrDefault();
            if (!string.IsNullOrEmpty(name) && !string.Equals(context.HandlerMethod?.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                context.Result = new NotFoundResult();
            }
        }

        public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
        {
        }
    }
}
