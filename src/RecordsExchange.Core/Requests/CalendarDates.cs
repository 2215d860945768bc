using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Requests;

/// <summary>Conversions between the contract's <see cref="CalendarDate"/> and <see cref="DateOnly"/>.</summary>
public static class CalendarDates
{
    public static bool TryToDateOnly(CalendarDate date, out DateOnly value)
    {
        value = default;
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            return false;
        }
        value = new DateOnly(date.Year, date.Month, date.Day);
        return true;
    }

    /// <summary>The date of a calendar date already validated as real.</summary>
    public static DateOnly ToDateOnly(this CalendarDate date) =>
        TryToDateOnly(date, out var value) ? value : throw new ArgumentException($"{date} is not a real calendar date.");

    public static CalendarDate ToCalendarDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };
}
