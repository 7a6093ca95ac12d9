using System.Globalization;

namespace ELicense.Server.Registry.Seeding;

/// <summary>Writes progress synchronously: one overwritten line on a terminal, a line per 10 % otherwise.</summary>
internal sealed class SeedProgressWriter(TextWriter output, bool interactive) : IProgress<SeedProgress>
{
    private int _lastDecile = -1;
    private bool _lineOpen;

    public void Report(SeedProgress value)
    {
        var percent = value.LicensesTotal == 0 ? 100 : (int)(value.LicensesDone * 100 / value.LicensesTotal);
        var text = value.Phase switch
        {
            "index" => string.Create(CultureInfo.InvariantCulture,
                $"Building indexes ({value.RowsWritten:N0} rows loaded in {value.Elapsed.TotalSeconds:F1} s)"),
            "done" => null,
            _ => string.Create(CultureInfo.InvariantCulture,
                $"{percent,3}%  {value.LicensesDone:N0}/{value.LicensesTotal:N0} licences, {value.RowsWritten:N0} rows, {value.RowsPerSecond:N0} rows/s"),
        };
        if (text is null)
        {
            return;
        }

        if (interactive)
        {
            output.Write("\r" + text.PadRight(78));
            output.Flush();
            _lineOpen = true;
            return;
        }

        var decile = percent / 10;
        if (value.Phase != "load" || decile != _lastDecile)
        {
            _lastDecile = decile;
            output.WriteLine(text);
        }
    }

    public void Finish()
    {
        if (_lineOpen)
        {
            output.WriteLine();
            _lineOpen = false;
        }
    }
}
