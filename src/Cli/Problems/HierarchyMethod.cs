using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Cli.Problems;

/// <summary>The <c>"method": {"kind": "hierarchy", …}</c> of a problem file (or the options of <c>phaseflow hierarchy</c>):
/// the closed system built for the file's spectrum and teacher, and its integration options.</summary>
public sealed class HierarchyMethod
{
    private HierarchyMethod(HierarchySystem system, HierarchyOptions options, string integratorName)
    {
        System = system;
        Options = options;
        IntegratorName = integratorName;
    }

    /// <summary>The closed system, with the model's constants.</summary>
    public HierarchySystem System { get; }

    /// <summary>Integration options (the output schedule is the problem's).</summary>
    public HierarchyOptions Options { get; }

    /// <summary>"rodas4", "dopri5" or "dop853".</summary>
    public string IntegratorName { get; }

    /// <summary>Builds the method; <paramref name="field"/> names each option in errors (<c>method.order</c> in a file,
    /// <c>--order</c> on the command line).</summary>
    /// <exception cref="InputException">Unknown closure or integrator, a ratio without the geometric closure, an order the
    /// closure cannot use, or an exact closure too ill-conditioned to trust.</exception>
    public static HierarchyMethod Create(Func<string, string> field, int order, string closureName, double? ratio, string integratorName,
        bool recordMoments, PhaseRetrievalModel model, (double Rtol, double Atol)? tolerance)
    {
        ArgumentNullException.ThrowIfNull(field);
        var integrator = integratorName switch
        {
            "rodas4" => HierarchyIntegrator.Rodas4,
            "dopri5" => HierarchyIntegrator.DormandPrince54,
            "dop853" => HierarchyIntegrator.DormandPrince853,
            _ => throw new InputException($"{field("integrator")} must be \"rodas4\", \"dopri5\" or \"dop853\", got {UserText.Quote(integratorName)}"),
        };
        var closure = ParseClosure(closureName, ratio, field);
        try
        {
            var system = HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(model, maxOrder: order + 1), model.PopulationLoss);
            var options = new HierarchyOptions { Integrator = integrator, RecordMoments = recordMoments };
            if (tolerance is { } t) options = options with { RelativeTolerance = t.Rtol, AbsoluteTolerance = t.Atol };
            return new HierarchyMethod(system, options, integratorName);
        }
        catch (InvalidParameterException e)
        {
            throw Rename(e, field);
        }
    }

    /// <summary>The closure named in a file or on the command line, with its optional ratio.</summary>
    /// <exception cref="InputException">An unknown name, a ratio with another closure than geometric, or an invalid ratio.</exception>
    internal static HierarchyClosure ParseClosure(string name, double? ratio, Func<string, string> field)
    {
        if (name is not ("zero" or "geometric" or "exact"))
            throw new InputException($"{field("closure")} must be \"zero\", \"geometric\" or \"exact\", got {UserText.Quote(name)}");
        if (ratio is not null && name != "geometric")
            throw new InputException($"{field("ratio")} applies to the geometric closure only (closure is {UserText.Quote(name)})");
        try
        {
            return name switch
            {
                "zero" => HierarchyClosure.Zero,
                "geometric" => HierarchyClosure.Geometric(ratio),
                _ => HierarchyClosure.Exact,
            };
        }
        catch (InvalidParameterException e)
        {
            throw Rename(e, field);
        }
    }

    /// <summary>A library parameter error under the name the user wrote (<c>closure</c> → <c>method.closure</c>).</summary>
    internal static InputException Rename(InvalidParameterException e, Func<string, string> field) =>
        new($"{field(e.Parameter)} must be {e.Rule}, got {e.Actual}");

    /// <summary>Integrates the hierarchy from the moments of the problem's w(0).</summary>
    public HierarchyResult Solve(PhaseRetrievalProblem problem, OutputSchedule output, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken) =>
        HierarchySolver.Solve(HierarchyProblem.FromDirect(System, problem), Options with { Output = output }, progress, cancellationToken);
}
