namespace PhaseFlow.Experiments.Reproduce;

/// <summary>One curve of a figure.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">Abscissae (data units; positive on a log axis).</param>
/// <param name="Y">Ordinates.</param>
/// <param name="Dashed">Draw dashed (predictions) instead of solid (measurements); a dashed curve takes the colour of the curve
/// before it, so a prediction sits in its measurement's colour.</param>
public sealed record Series(string Label, double[] X, double[] Y, bool Dashed = false);

/// <summary>A vertical line marking a time (phase boundary).</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">Position in data units.</param>
public sealed record Marker(string Label, double X);

/// <summary>A line plot, written by <see cref="FigureRenderer"/> as SVG and PNG.</summary>
/// <param name="Name">File name without extension.</param>
/// <param name="Title">Title.</param>
/// <param name="XLabel">x-axis label.</param>
/// <param name="YLabel">y-axis label.</param>
/// <param name="LogX">Logarithmic x axis.</param>
/// <param name="LogY">Logarithmic y axis.</param>
/// <param name="Curves">Curves.</param>
/// <param name="Markers">Vertical markers (phase boundaries).</param>
/// <param name="Legend">Corner of the legend.</param>
public sealed record FigureSpec(string Name, string Title, string XLabel, string YLabel, bool LogX, bool LogY, IReadOnlyList<Series> Curves,
    IReadOnlyList<Marker>? Markers = null, LegendCorner Legend = LegendCorner.Outside);

/// <summary>Where the legend goes.</summary>
public enum LegendCorner
{
    /// <summary>Right of the plot area, outside it (never hides data).</summary>
    Outside,

    /// <summary>Lower left.</summary>
    LowerLeft,

    /// <summary>Lower right.</summary>
    LowerRight,

    /// <summary>Upper left.</summary>
    UpperLeft,

    /// <summary>Upper right.</summary>
    UpperRight,
}
