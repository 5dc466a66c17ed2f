namespace SecureDrop.Net.Core.Data.Layout;

/// <summary>The names of the service roles on the command line (<c>sdnet serve ROLE</c>) and what each runs.</summary>
public static class ServiceRoleNames
{
    public const string Submission = "submission";
    public const string Reviewer = "reviewer";
    public const string Worker = "worker";

    /// <summary>The service a role name runs; anything else is refused.</summary>
    public static ServiceRole Parse(string name) => name switch
    {
        Submission => ServiceRole.FrontEnd,
        Reviewer => ServiceRole.Console,
        Worker => ServiceRole.Worker,
        _ => throw new ArgumentException($"'{name}' is not a service role: use {Submission}, {Reviewer} or {Worker}.", nameof(name)),
    };
}
