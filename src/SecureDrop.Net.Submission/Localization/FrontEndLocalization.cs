using System.Globalization;
using System.Resources;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using SecureDrop.Net.Core.Web;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>
/// The page language comes from a <c>?lang=</c> query value, carried on every link and form action, or else
/// from <c>Accept-Language</c>. No culture cookie: the only cookies are the session and antiforgery ones.
/// </summary>
internal static class FrontEndLocalization
{
    public const string QueryKey = "lang";
    private const string Neutral = "en";

    /// <summary>
    /// English (Resources/SharedResource.resx, the neutral resources) and every language with a resource file
    /// (SharedResource.{culture}.resx, which the build makes into {culture}/SecureDrop.Net.Submission.resources.dll
    /// beside the app): a language is added by its resource file alone, the language switch and the request cultures
    /// follow from it.
    /// </summary>
    public static readonly IReadOnlyList<string> SupportedCultures = FindLanguages();

    private static readonly ResourceManager Strings = new(typeof(SharedResource).Namespace + ".Resources." + nameof(SharedResource), typeof(SharedResource).Assembly);

    /// <summary>
    /// A language's name in itself, as the switch shows it ("English", "한국어"): its resource file's LanguageName (the
    /// front end runs without ICU's data, so CultureInfo.NativeName has none to give).
    /// </summary>
    public static string NativeName(string language) =>
        Strings.GetString("LanguageName", CultureInfo.GetCultureInfo(language)) ?? language;

    public static IServiceCollection AddFrontEndLocalization(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddSingleton<IErrorPageText, LocalizedErrorPageText>();
        return services;
    }

    public static IApplicationBuilder UseFrontEndLocalization(this IApplicationBuilder app)
    {
        var cultures = SupportedCultures.Select(c => new CultureInfo(c)).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Neutral),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider { QueryStringKey = QueryKey, UIQueryStringKey = QueryKey },
            new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 5 },
        ];
        return app.UseRequestLocalization(options);
    }

    /// <summary>The language the request asked for by query, if it is one we speak; links and forms carry it on.</summary>
    public static string? ExplicitLanguage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.Query[QueryKey].ToString();
        return SupportedCultures.FirstOrDefault(c => c.Equals(value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A local path with the request's explicit language carried on.</summary>
    public static string Href(HttpContext context, string path)
    {
        var language = ExplicitLanguage(context);
        return language is null ? path : $"{path}?{QueryKey}={language}";
    }

    /// <summary>A local path with the request's explicit language and one more query value (name=value, already safe).</summary>
    public static string Href(HttpContext context, string path, string query)
    {
        var href = Href(context, path);
        return href + (href.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    /// <summary>The current page in another language.</summary>
    public static string Switch(HttpContext context, string language)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        return $"{path}?{QueryKey}={Uri.EscapeDataString(language)}";
    }

    private static string[] FindLanguages()
    {
        var satellite = typeof(SharedResource).Assembly.GetName().Name + ".resources.dll";
        var found = Directory.EnumerateDirectories(AppContext.BaseDirectory)
            .Where(directory => File.Exists(Path.Combine(directory, satellite)))
            .Select(directory => Path.GetFileName(directory))
            .Where(name => !string.Equals(name, Neutral, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        return [Neutral, .. found];
    }

    private sealed class LocalizedErrorPageText : IErrorPageText
    {
        private readonly IStringLocalizer<SharedResource> _text;

        public LocalizedErrorPageText(IStringLocalizer<SharedResource> text)
        {
            _text = text;
        }

        public string? TextFor(int statusCode)
        {
            var text = _text["Status" + statusCode.ToString(CultureInfo.InvariantCulture)];
            return text.ResourceNotFound ? null : text.Value;
        }
    }
}
