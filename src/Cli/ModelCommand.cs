using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Experiments;
using PhaseFlow.Foundation;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow model --student F --teacher G</c>: the population loss P(s, u, s*) of a single-index model and its
/// first and second derivatives, printed (text or LaTeX) or evaluated at one point.</summary>
public static class ModelCommand
{
    /// <summary>Builds the model as <see cref="ModelText.Parse"/> does, naming the options in errors.</summary>
    /// <exception cref="InputException">A link or the noise is invalid.</exception>
    public static SingleIndexLoss Build(string student, string teacher, double noise, int order)
    {
        try { return ModelText.Parse(student, teacher, noise, order); }
        catch (InvalidParameterException e) { throw HierarchyMethod.Rename(e, name => name is "student" or "teacher" or "noise" or "order" ? "--" + name : name); }
    }

    /// <summary>P and its five derivatives as text or LaTeX, one per line, for the kinds with an expression (polynomial
    /// links, closed forms); quadrature kinds say how P is computed instead.</summary>
    /// <exception cref="InputException">Unknown format.</exception>
    public static string Print(SingleIndexLoss loss, string format)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (format is not ("text" or "latex")) throw new InputException($"--print must be \"text\" or \"latex\", got {UserText.Quote(format)}");
        var text = new StringBuilder();
        string noise = loss.Noise == 0 ? "" : $" (the loss adds σ² = {F(loss.Noise * loss.Noise)})";
        text.Append(CultureInfo.InvariantCulture, $"# f(z) = {loss.Student}, g(z) = {loss.Teacher}: P(s, u, s*), {loss.Method}{noise}\n");
        if (loss.Expression is not { } p)
        {
            text.Append("# P has no expression here (links without a closed form are integrated by quadrature); evaluate it with --at S,U,SSTAR\n");
            return text.ToString();
        }
        string[] names = ["P", "P_s", "P_u", "P_ss", "P_su", "P_uu"];
        var expressions = new[] { p }.Concat(loss.DerivativeExpressions!).ToArray();
        for (int i = 0; i < names.Length; i++)
            text.Append(format == "latex" ? $"{Latex(names[i])} = {expressions[i].ToLatex()}\n" : $"{names[i]} = {expressions[i]}\n");
        return text.ToString();
    }

    /// <summary>The loss (σ² included) and the five derivatives at (s, u, s*) as one JSON object; an infinite derivative
    /// (relu at s = 0) is written "Infinity".</summary>
    /// <exception cref="InputException">The point is malformed or no overlap of real vectors.</exception>
    public static string At(SingleIndexLoss loss, string point)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var parts = (point ?? "").Split(',', StringSplitOptions.TrimEntries);
        var values = new double[3];
        if (parts.Length != 3 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            throw new InputException($"--at must be three numbers S,U,SSTAR, got {UserText.Quote(point ?? "")}");
        LossDerivatives d;
        try { d = loss.Derivatives(values[0], values[1], values[2]); }
        catch (InvalidParameterException e) { throw HierarchyMethod.Rename(e, name => $"--at {name}"); }
        var json = new JsonObject
        {
            ["loss"] = d.Value + loss.Noise * loss.Noise,
            ["Ps"] = d.Ps,
            ["Pu"] = d.Pu,
            ["Pss"] = d.Pss,
            ["Psu"] = d.Psu,
            ["Puu"] = d.Puu,
        };
        return json.ToJsonString(Options) + "\n";
    }

    private static readonly JsonSerializerOptions Options = new(JsonFiles.Options) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string Latex(string name) => name == "P" ? "P" : $"P_{{{name[2..]}}}";

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
