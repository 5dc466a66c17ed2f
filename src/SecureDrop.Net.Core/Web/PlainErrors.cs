using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// Errors as short plain pages: what went wrong and what to do, never a stack trace. Methods other than
/// GET, HEAD and POST are refused before they reach any endpoint.
/// </summary>
public static class PlainErrors
{
    public static IApplicationBuilder UsePlainErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = static context => Write(context, StatusCodes.Status500InternalServerError,
                "Something went wrong on our side. Nothing you sent in this request was kept; please try again later."),
        });
        app.UseStatusCodePages(static context =>
        {
            var response = context.HttpContext.Response;
            return response.StatusCode switch
            {
                404 => Write(context.HttpContext, 404, "There is no page at this address."),
                405 => Write(context.HttpContext, 405, "This address does not accept that kind of request."),
                413 => Write(context.HttpContext, 413, "The request is larger than this site accepts."),
                _ => Write(context.HttpContext, response.StatusCode, "The request could not be handled."),
            };
        });
        app.Use(static (context, next) =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD, POST";
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>Keeps framework logging to warnings: request lines and connection details never reach the log.</summary>
    public static ILoggingBuilder AddQuietWebLogging(this ILoggingBuilder logging)
    {
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("Hangfire", LogLevel.Warning);
        return logging;
    }

    private static Task Write(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
