using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Slos;

namespace WaddleObservabilityOperator.Tests.Rendering.Slos;

/// <summary>The burn-rate factors follow from the catalog (Sloth's getBurnRateFactor) and are written as exact decimals.</summary>
public sealed class SloWindowCatalogTests
{
    [Theory]
    [InlineData(SloWindow.Days30, "14.4", "6", "3", "1")]
    [InlineData(SloWindow.Days28, "13.44", "5.6", "2.8", "0.9333333333")]
    public void Factors_are_the_workbooks_computed_from_the_period(SloWindow window, string pageQuick, string pageSlow, string ticketQuick, string ticketSlow)
    {
        var period = SloPeriod.Of(window);
        Assert.Equal(
            [pageQuick, pageSlow, ticketQuick, ticketSlow],
            new[] { period.PageQuick, period.PageSlow, period.TicketQuick, period.TicketSlow }.Select(w => ExactDecimal.Format(w.Factor)));
    }

    [Fact]
    public void Factors_are_exact_before_formatting()
    {
        Assert.Equal(14.4m, SloPeriod.Days30.PageQuick.Factor);
        Assert.Equal(1m, SloPeriod.Days30.TicketSlow.Factor);
        Assert.Equal(13.44m, SloPeriod.Days28.PageQuick.Factor);
        // 28d's ticket slow factor is 28/30: only its formatting rounds.
        Assert.Equal(28m / 30m, SloPeriod.Days28.TicketSlow.Factor);
    }

    [Fact]
    public void Windows_are_sloths_google_catalog()
    {
        var p = SloPeriod.Days30;
        Assert.Equal(
            ["page quick 2 5m 1h", "page slow 5 30m 6h", "ticket quick 10 2h 1d", "ticket slow 10 6h 3d"],
            new[] { p.PageQuick, p.PageSlow, p.TicketQuick, p.TicketSlow }.Select(w =>
                $"{w.Severity.ToString().ToLowerInvariant()} {w.Speed} {ExactDecimal.Format(w.ErrorBudgetPercent)} {w.ShortWindow} {w.LongWindow}"));
    }

    [Theory]
    [InlineData("0.001", "0.001")]
    [InlineData("0.0009999999999999432", "0.001")]
    [InlineData("14.40", "14.4")]
    [InlineData("6.0", "6")]
    [InlineData("0.00000000005", "0")]
    [InlineData("0.00000000015", "0.0000000002")]
    public void Decimals_have_at_most_ten_fraction_digits_and_no_trailing_zeros(string value, string expected) =>
        Assert.Equal(expected, ExactDecimal.Format(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(0.005, "0.005")]
    [InlineData(0.25, "0.25")]
    [InlineData(1, "1.0")]
    [InlineData(2.5, "2.5")]
    [InlineData(10, "10.0")]
    [InlineData(100000, "100000.0")]
    [InlineData(1000000, "1e+06")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    public void Bucket_boundaries_are_written_as_prometheus_writes_le(double bucket, string expected) =>
        Assert.Equal(expected, PrometheusFloat.Format(bucket));
}
