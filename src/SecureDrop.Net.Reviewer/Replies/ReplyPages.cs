using Microsoft.AspNetCore.Mvc;

namespace SecureDrop.Net.Reviewer.Replies;

internal static class ReplyPages
{
    /// <summary>A plain 400 page naming what is wrong with the reply.</summary>
    public static ContentResult Refused(string message) => new()
    {
        StatusCode = StatusCodes.Status400BadRequest,
        ContentType = "text/plain; charset=utf-8",
        Content = message + "\n",
    };
}
