using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// Errors as short plain pages: what went wrong and what to do, never a stack trace. Methods other than
/// GET, HEAD and POST are refused before they reach any endpoint. An app may register an
/// <see cref="IErrorPageText"/> to word (or translate) these pages.
/// </summary>
public static class PlainErrors
{
    public static IApplicationBuilder UsePlainErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A database that is restarting or out of reach is "busy, try again", not "something went wrong": the next
            // request gets a fresh connection (a restarted PostgreSQL breaks every pooled one once).
            ExceptionHandler = static context => IsDatabaseUnavailable(context.Features.Get<IExceptionHandlerFeature>()?.Error)
                ? Busy(context)
                : Write(context, StatusCodes.Status500InternalServerError),
        });
        app.UseStatusCodePages(static context => Write(context.HttpContext, context.HttpContext.Response.StatusCode));
        app.Use(static (context, next) =>
        {
            // Methods are case-sensitive (RFC 9110 section 9.1): a lower-case "get" is another method, not GET, and is
            // refused rather than routed as GET by a case-insensitive match.
            if (context.Request.Method is "GET" or "HEAD" or "POST")
            {
                return OversizedForms.IsForm(context.Request) ? OversizedForms.InvokeAsync(context, next) : next(context);
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

    /// <summary>Writes a plain page for a status code, in the words of the app's <see cref="IErrorPageText"/> if it has one.</summary>
    public static Task Write(HttpContext context, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.RequestServices.GetService<IErrorPageText>()?.TextFor(statusCode) ?? DefaultText(statusCode);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n");
    }

    private static Task Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "30";
        return Write(context, StatusCodes.Status503ServiceUnavailable);
    }

    private static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is System.Data.Common.DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    private static string DefaultText(int statusCode) => statusCode switch
    {
        400 => "The request was malformed. Nothing was kept; go back and try again.",
        404 => "There is no page at this address.",
        405 => "This address does not accept that kind of request.",
        413 => "The request is larger than this site accepts.",
        431 => "The request's headers are too large.",
        500 => "Something went wrong on our side. Nothing you sent in this request was kept; please try again later.",
        503 => "The site is busy. Nothing was kept; please try again in a minute.",
        _ => "The request could not be handled.",
    };
}

/// <summary>The wording of an app's plain error pages; null for a status code means the default English text.</summary>
public interface IErrorPageText
{
    string? TextFor(int statusCode);
}
