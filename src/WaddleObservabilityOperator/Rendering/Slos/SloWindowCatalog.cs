using System.Globalization;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>The two alerts of an SLO.</summary>
public enum SloSeverity
{
    Page,
    Ticket,
}

/// <summary>
/// One window pair of a multi-window multi-burn-rate alert: it fires when both the short and the long window burn
/// faster than <see cref="Factor"/> times the error budget, which is the speed that spends
/// <see cref="ErrorBudgetPercent"/> of the period's budget within the long window.
/// </summary>
public sealed record BurnRateWindow(SloSeverity Severity, string Speed, decimal ErrorBudgetPercent, string ShortWindow, int ShortMinutes, string LongWindow, int LongMinutes, int PeriodDays)
{
    /// <summary>
    /// Sloth's getBurnRateFactor in exact arithmetic: percent × period hours / 100 / long-window hours. 30d gives 14.4,
    /// 6, 3 and 1; 28d gives 13.44, 5.6, 2.8 and 0.9333…
    /// </summary>
    public decimal Factor => ErrorBudgetPercent * PeriodDays * 24m / 100m / (LongMinutes / 60m);
}

/// <summary>
/// An SLO period and its page and ticket windows: Sloth's google-30d and google-28d catalogs (the SRE workbook's
/// recommended parameters): page quick 2 % in 1h (5m short), page slow 5 % in 6h (30m), ticket quick 10 % in 1d (2h),
/// ticket slow 10 % in 3d (6h). The windows are the same for both periods; the factors follow from the period.
/// </summary>
public sealed record SloPeriod(SloWindow Window, string Duration, int Days)
{
    public static SloPeriod Days30 { get; } = new(SloWindow.Days30, "30d", 30);

    public static SloPeriod Days28 { get; } = new(SloWindow.Days28, "28d", 28);

    public static SloPeriod Of(SloWindow window) => window == SloWindow.Days28 ? Days28 : Days30;

    public BurnRateWindow PageQuick => new(SloSeverity.Page, "quick", 2m, "5m", 5, "1h", 60, Days);

    public BurnRateWindow PageSlow => new(SloSeverity.Page, "slow", 5m, "30m", 30, "6h", 360, Days);

    public BurnRateWindow TicketQuick => new(SloSeverity.Ticket, "quick", 10m, "2h", 120, "1d", 1440, Days);

    public BurnRateWindow TicketSlow => new(SloSeverity.Ticket, "slow", 10m, "6h", 360, "3d", 4320, Days);

    /// <summary>The (quick, slow) pair of a severity.</summary>
    public (BurnRateWindow Quick, BurnRateWindow Slow) Alert(SloSeverity severity) =>
        severity == SloSeverity.Page ? (PageQuick, PageSlow) : (TicketQuick, TicketSlow);

    /// <summary>Every window an SLI is recorded over, shortest first: 5m, 30m, 1h, 2h, 6h, 1d, 3d (the period comes on top).</summary>
    public IReadOnlyList<string> SliWindows { get; } = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
}

/// <summary>
/// How the rules write numbers: exact decimals, never binary floats (no 0.0009999999999999432). A quotient that does not
/// terminate (28d's 0.9333…) is rounded half to even at <see cref="MaxFractionDigits"/> fraction digits; trailing zeros
/// are dropped, and an integer has no point.
/// </summary>
public static class ExactDecimal
{
    public const int MaxFractionDigits = 10;

    public static string Format(decimal value)
    {
        var rounded = Math.Round(value, MaxFractionDigits, MidpointRounding.ToEven);
        var text = rounded.ToString("0.##########", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}
