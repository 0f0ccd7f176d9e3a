using PhaseFlow.Core;
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

    /// <summary>Builds the method; errors name fields under <paramref name="path"/>.</summary>
    /// <exception cref="InputException">Unknown closure or integrator, an order the closure cannot use, or an exact closure
    /// too ill-conditioned to trust.</exception>
    public static HierarchyMethod Create(string path, int order, string closureName, double? ratio, string integratorName, bool recordMoments,
        PhaseRetrievalModel model, (double Rtol, double Atol)? tolerance)
    {
        string Field(string name) => path.Length == 0 ? name : $"{path}.{name}";
        var integrator = integratorName switch
        {
            "rodas4" => HierarchyIntegrator.Rodas4,
            "dopri5" => HierarchyIntegrator.DormandPrince54,
            "dop853" => HierarchyIntegrator.DormandPrince853,
            _ => throw new InputException($"{Field("integrator")} must be \"rodas4\", \"dopri5\" or \"dop853\", got \"{integratorName}\""),
        };
        try
        {
            var closure = ParseClosure(closureName, ratio, Field("closure"));
            var system = HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(model, maxOrder: order + 1));
            var options = new HierarchyOptions { Integrator = integrator, RecordMoments = recordMoments };
            if (tolerance is { } t) options = options with { RelativeTolerance = t.Rtol, AbsoluteTolerance = t.Atol };
            return new HierarchyMethod(system, options, integratorName);
        }
        catch (InvalidParameterException e)
        {
            throw new InputException(path.Length == 0 ? e.Message : e.WithPrefix(path + ".").Message);
        }
    }

    /// <summary>The closure named on the command line or in a file; <paramref name="field"/> names it in the error.</summary>
    internal static HierarchyClosure ParseClosure(string name, double? ratio, string field) => name switch
    {
        "zero" => HierarchyClosure.Zero,
        "geometric" => HierarchyClosure.Geometric(ratio),
        "exact" => HierarchyClosure.Exact,
        _ => throw new InputException($"{field} must be \"zero\", \"geometric\" or \"exact\", got \"{name}\""),
    };

    /// <summary>Integrates the hierarchy from the moments of the problem's w(0).</summary>
    public HierarchyResult Solve(PhaseRetrievalProblem problem, OutputSchedule output, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken) =>
        HierarchySolver.Solve(HierarchyProblem.FromDirect(System, problem), Options with { Output = output }, progress, cancellationToken);
}
