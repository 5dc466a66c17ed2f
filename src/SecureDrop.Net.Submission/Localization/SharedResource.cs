namespace SecureDrop.Net.Submission;

/// <summary>
/// Marker for the front end's strings: Resources/SharedResource.resx (English) and SharedResource.ko.resx
/// (Korean). A language is added by adding SharedResource.{culture}.resx: the language switch and
/// <see cref="Localization.FrontEndLocalization.SupportedCultures"/> find it. Its plural rule, where it differs from
/// English's, goes in <see cref="Localization.PluralCategory"/>.
/// </summary>
#pragma warning disable CA1812 // Used only as the type argument of IStringLocalizer<T>.
internal sealed class SharedResource
#pragma warning restore CA1812
{
}
