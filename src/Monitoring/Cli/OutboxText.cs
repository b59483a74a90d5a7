using System.Globalization;

namespace Monitoring.Cli;

/// <summary>How <c>monitoring outbox</c> writes counts, times, ages and stored text.</summary>
internal static class OutboxText
{
    public static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>"42s", "5m 03s", "2h 14m", "3d 04h".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age < TimeSpan.FromMinutes(1)) return $"{(int)age.TotalSeconds}s";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes}m {age.Seconds:00}s";
        if (age < TimeSpan.FromDays(1)) return $"{(int)age.TotalHours}h {age.Minutes:00}m";
        return $"{(int)age.TotalDays}d {age.Hours:00}h";
    }
}
