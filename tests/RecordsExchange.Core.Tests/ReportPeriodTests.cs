using RecordsExchange.Core.Reports;

namespace RecordsExchange.Core.Tests;

public sealed class ReportPeriodTests
{
    [Theory]
    [InlineData("2026", "2026-01-01", "2027-01-01")]
    [InlineData("2026-Q3", "2026-07-01", "2026-10-01")]
    [InlineData("2026-Q4", "2026-10-01", "2027-01-01")]
    [InlineData("2026-02", "2026-02-01", "2026-03-01")]
    [InlineData("2026-07-04..2026-07-06", "2026-07-04", "2026-07-06")]
    public void Parse_EachKindOfPeriod_WholeUtcDaysWithTheEndExcluded(string id, string from, string to)
    {
        var period = ReportPeriod.Parse(id)!;

        Assert.Equal((id, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)),
            (period.Id, period.From, period.To));
        Assert.True(period.Contains(period.End.AddTicks(-1)));
        Assert.False(period.Contains(period.End));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("1999")]
    [InlineData("2026-07-06..2026-07-04")]
    [InlineData("2026-02-30..2026-03-01")]
    [InlineData("twenty")]
    [InlineData("")]
    public void Parse_NotAPeriod_Null(string id) => Assert.Null(ReportPeriod.Parse(id));

    [Fact]
    public void OfYear_UpToToday_TheYearThenQuartersAndMonthsStartedSoFar()
    {
        var periods = ReportPeriod.OfYear(2026, new DateOnly(2026, 5, 10)).Select(p => p.Id);

        Assert.Equal(["2026", "2026-Q2", "2026-Q1", "2026-05", "2026-04", "2026-03", "2026-02", "2026-01"], periods);
    }
}
