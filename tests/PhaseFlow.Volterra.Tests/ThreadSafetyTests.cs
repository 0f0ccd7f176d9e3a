using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Volterra.Tests;

/// <summary>One problem or kernel shared by 64 concurrent solves gives each solve bit for bit what it
/// gives alone (issue 13): the solvers keep their history engines, evaluators and scratch per call.</summary>
public class ThreadSafetyTests
{
    private static double[] Fingerprint(VolterraSolution s)
    {
        var numbers = new List<double>(s.Times);
        for (int i = 0; i < s.Times.Length; i++) numbers.AddRange(s.At(i).ToArray());
        if (s.ErrorEstimate is { } e) numbers.AddRange(e);
        var st = s.Statistics;
        numbers.AddRange([st.Steps, st.TotalSteps, st.Solves, st.KernelEvaluations, st.NewtonIterations, st.FftCount]);
        return [.. numbers];
    }

    /// <summary>Nonlinear problems of every kernel type (general, scalar and matrix convolution, exponential sum); the
    /// finite-difference Jacobians (no analytic one given) use the evaluators' scratch too.</summary>
    private static VolterraProblem Problem(string kernel) => kernel switch
    {
        "general" => new VolterraProblem((t, f) => { f[0] = 1; f[1] = Math.Cos(t); }, new GeneralKernel(2, (t, tau, u, k) =>
        {
            double e = Math.Exp(tau - t);
            k[0] = e * (-u[0] + 0.1 * u[1] * u[1]);
            k[1] = e * (Math.Sin(tau) * u[0] - u[1]);
        }), 2),
        "scalar" => new VolterraProblem((t, f) => f[0] = 1 + 0.2 * t, ConvolutionKernel.Scalar(x => Math.Exp(-x) * Math.Cos(3 * x),
            (t, u, g) => g[0] = -Math.Sin(u[0]) + 0.1 * Math.Cos(t)), 3),
        "matrix" => new VolterraProblem((t, f) => { f[0] = 1; f[1] = -0.5; }, ConvolutionKernel.Matrix(2, (x, k) =>
        {
            k[0] = -Math.Exp(-x); k[1] = 0.3 * Math.Cos(x);
            k[2] = 0.2 * Math.Sin(2 * x); k[3] = -0.5 * Math.Exp(-2 * x);
        }), 2),
        _ => new VolterraProblem((t, f) => f[0] = Math.Exp(-t), new ExponentialSumKernel(1, [-1, 0.5], [-1, -3], t => t + 0.1 * Math.Sin(t),
            (t, u, g) => g[0] = u[0] / (1 + u[0] * u[0])), 2),
    };

    public static TheoryData<string, HistoryAlgorithm> Kernels => new()
    {
        { "general", HistoryAlgorithm.Direct }, { "scalar", HistoryAlgorithm.Direct }, { "scalar", HistoryAlgorithm.Fast },
        { "matrix", HistoryAlgorithm.Fast }, { "exponential", HistoryAlgorithm.Direct }, { "exponential", HistoryAlgorithm.Fast },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void SharedProblemGivesBitIdenticalSolutionsUnderConcurrency(string kernel, HistoryAlgorithm history)
    {
        var problem = Problem(kernel);
        // N from 65 (the first grid with an FFT block) up: the solves differ in every step.
        Sharing.AssertConcurrentSolvesMatch($"{kernel}, {history}", k => Fingerprint(VolterraSolver.Solve(problem, new VolterraOptions
        {
            Steps = 65 + 3 * k, History = history, EstimateError = true,
            Method = k % 2 == 0 ? VolterraMethod.Gregory4 : VolterraMethod.Trapezoidal,
        })));
    }

    [Fact]
    public void SharedProblemAndOptionsGiveBitIdenticalToleranceSolves()
    {
        var problem = Problem("scalar");
        var options = new VolterraOptions { Tolerance = 1e-8, History = HistoryAlgorithm.Fast };
        Sharing.AssertConcurrentSolvesMatch("tolerance mode", _ => Fingerprint(VolterraSolver.Solve(problem, options)), solves: 16);
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(VolterraProblem), typeof(VolterraOptions),
        typeof(GeneralKernel), typeof(ConvolutionKernel), typeof(ExponentialSumKernel));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(VolterraSolver).Assembly);
}
