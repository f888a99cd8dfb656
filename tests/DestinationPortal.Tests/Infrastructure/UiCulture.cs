using System.Globalization;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>
/// Runs a block under another culture (UI and formatting) and restores the previous ones. Both are async-local, so
/// tests running in parallel do not see each other's culture.
/// </summary>
public static class UiCulture
{
    public static IDisposable Use(string name) => new Scope(CultureInfo.GetCultureInfo(name));

    private sealed class Scope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        public Scope(CultureInfo culture)
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _uiCulture;
        }
    }
}
