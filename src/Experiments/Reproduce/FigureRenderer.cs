using System.Globalization;
using System.Text;
using ScottPlot;

namespace PhaseFlow.Experiments.Reproduce;

/// <summary>Renders a <see cref="FigureSpec"/> with ScottPlot. Log axes are drawn the way ScottPlot documents them: the data
/// are plotted as log10 values and the ticks are labelled 10^k, with log-spaced minor ticks.</summary>
public static class FigureRenderer
{
    /// <summary>Pixel size of the written figures.</summary>
    public const int Width = 960, Height = 540;

    /// <summary>The figure's SVG and PNG files (<c>Name.svg</c>, <c>Name.png</c>), for an atomic write.</summary>
    public static IReadOnlyList<OutputFile> Files(FigureSpec figure, string folder = "")
    {
        ArgumentNullException.ThrowIfNull(figure);
        var plot = Build(figure);
        string svg = plot.GetSvgXml(Width, Height);
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        return
        [
            OutputFile.Bytes(Path.Combine(folder, figure.Name + ".svg"), Encoding.UTF8.GetBytes(svg)),
            OutputFile.Bytes(Path.Combine(folder, figure.Name + ".png"), png),
        ];
    }

    private static Plot Build(FigureSpec figure)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var curve in figure.Curves)
        {
            var points = Enumerable.Range(0, Math.Min(curve.X.Length, curve.Y.Length))
                .Where(i => Valid(curve.X[i], figure.LogX) && Valid(curve.Y[i], figure.LogY))
                .Select(i => (X: Map(curve.X[i], figure.LogX), Y: Map(curve.Y[i], figure.LogY))).ToArray();
            if (points.Length == 0) continue;
            points = Thin(points);
            var scatter = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.LegendText = curve.Label;
            scatter.Color = palette.GetColor(curve.Dashed && colour > 0 ? colour - 1 : colour++);
            scatter.LineWidth = 2;
            if (curve.Dashed) scatter.LinePattern = LinePattern.Dashed;
        }
        foreach (var marker in figure.Markers ?? [])
        {
            if (!Valid(marker.X, figure.LogX)) continue;
            var line = plot.Add.VerticalLine(Map(marker.X, figure.LogX));
            line.LegendText = marker.Label;
            line.Color = palette.GetColor(colour++).WithAlpha(0.8);
            line.LinePattern = LinePattern.Dotted;
            line.LineWidth = 1.5f;
        }
        if (figure.LogX) LogTicks(plot.Axes.Bottom);
        if (figure.LogY) LogTicks(plot.Axes.Left);
        plot.Title(figure.Title);
        plot.XLabel(figure.XLabel);
        plot.YLabel(figure.YLabel);
        if (figure.Legend == LegendCorner.Outside) plot.ShowLegend(Edge.Right);
        else plot.ShowLegend(figure.Legend switch
        {
            LegendCorner.LowerRight => Alignment.LowerRight,
            LegendCorner.UpperLeft => Alignment.UpperLeft,
            LegendCorner.UpperRight => Alignment.UpperRight,
            _ => Alignment.LowerLeft,
        });
        return plot;
    }

    /// <summary>At most about 4 points per pixel column (first, lowest, highest, last of each of 1000 columns), so a curve
    /// of 10^5 samples draws the same line as its full data in a file a fraction of the size.</summary>
    private static (double X, double Y)[] Thin((double X, double Y)[] points)
    {
        const int columns = 1000;
        if (points.Length <= 4 * columns) return points;
        double lo = points.Min(p => p.X), hi = points.Max(p => p.X);
        if (!(hi > lo)) return points;
        var kept = new List<(double X, double Y)>();
        foreach (var bucket in points.Select((p, i) => (p, i)).GroupBy(q => (int)Math.Min(columns - 1, (q.p.X - lo) / (hi - lo) * columns)))
        {
            var items = bucket.ToArray();
            var chosen = new SortedSet<int> { items[0].i, items[^1].i, items.MinBy(q => q.p.Y).i, items.MaxBy(q => q.p.Y).i };
            kept.AddRange(chosen.Select(i => points[i]));
        }
        return [.. kept];
    }

    private static bool Valid(double v, bool log) => double.IsFinite(v) && (!log || v > 0);

    private static double Map(double v, bool log) => log ? Math.Log10(v) : v;

    private static void LogTicks(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
        };
    }
}
