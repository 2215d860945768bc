using System.Globalization;
using System.Text.RegularExpressions;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// The days a report covers, in UTC: a year ("2026"), a quarter ("2026-Q3"), a month ("2026-11") or
/// any range of whole days (from the first day up to, not including, the end day).
/// </summary>
public sealed partial record ReportPeriod(string Id, DateOnly From, DateOnly To)
{
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset End => new(To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>The calendar months the period touches, as yyyy-MM.</summary>
    public IReadOnlyList<string> Months()
    {
        var months = new List<string>();
        for (var month = new DateOnly(From.Year, From.Month, 1); month < To; month = month.AddMonths(1))
        {
            months.Add(MonthOf(month));
        }
        return months;
    }

    public static string MonthOf(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static ReportPeriod Year(int year) => new(year.ToString(CultureInfo.InvariantCulture), new DateOnly(year, 1, 1), new DateOnly(year + 1, 1, 1));

    public static ReportPeriod Quarter(int year, int quarter) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{year}-Q{quarter}"), new DateOnly(year, 3 * quarter - 2, 1), new DateOnly(year, 3 * quarter - 2, 1).AddMonths(3));

    public static ReportPeriod Month(int year, int month) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{year}-{month:00}"), new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1));

    /// <summary>Whole days from <paramref name="from"/> up to, not including, <paramref name="to"/>.</summary>
    public static ReportPeriod Range(DateOnly from, DateOnly to) =>
        to <= from
            ? throw new ArgumentException("The period must end after it starts.")
            : new(string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}"), from, to);

    /// <summary>Reads a period id as <see cref="Id"/> writes it; null when it is not one.</summary>
    public static ReportPeriod? Parse(string? id)
    {
        if (id is null)
        {
            return null;
        }
        if (RangePattern().Match(id) is { Success: true } range)
        {
            return DateOnly.TryParseExact(range.Groups["from"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                && DateOnly.TryParseExact(range.Groups["to"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) && to > from
                ? Range(from, to) : null;
        }
        var match = CalendarPattern().Match(id);
        var year = match.Success ? int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture) : 0;
        if (year is < 2000 or > 9998)
        {
            return null;
        }
        if (match.Groups["quarter"].Success)
        {
            return Quarter(year, int.Parse(match.Groups["quarter"].Value, CultureInfo.InvariantCulture));
        }
        if (match.Groups["month"].Success)
        {
            var month = int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture);
            return month is >= 1 and <= 12 ? Month(year, month) : null;
        }
        return Year(year);
    }

    /// <summary>The periods of a year up to <paramref name="today"/>: the year, its quarters and its months, newest first after the year.</summary>
    public static IReadOnlyList<ReportPeriod> OfYear(int year, DateOnly today)
    {
        var periods = new List<ReportPeriod> { Year(year) };
        periods.AddRange(Enumerable.Range(1, 4).Reverse().Select(q => Quarter(year, q)).Where(p => p.From <= today));
        periods.AddRange(Enumerable.Range(1, 12).Reverse().Select(m => Month(year, m)).Where(p => p.From <= today));
        return periods;
    }

    [GeneratedRegex(@"^(?<year>\d{4})(?:-Q(?<quarter>[1-4])|-(?<month>\d{2}))?\z")]
    private static partial Regex CalendarPattern();

    [GeneratedRegex(@"^(?<from>\d{4}-\d{2}-\d{2})\.\.(?<to>\d{4}-\d{2}-\d{2})\z")]
    private static partial Regex RangePattern();
}
