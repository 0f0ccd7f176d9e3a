using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PhaseFlow.Volterra.Tests;

/// <summary>A random convolution or exponential-sum problem with G = u or a nonlinearity with |G'| ≤ 1 and T ≤ 2.
/// Convolution: |K| ≤ 1, so solution and sensitivity grow at most like e^{T} ≈ 7.4. Exponential sums: Σ|c_j| ≤ 1,
/// β_j ≤ 1 and Θ' ≤ 1.9, so growth ≤ e^{(1 + 1.9)T} ≈ 330 (the bounds are relative to max|u|). Every Newton matrix
/// I − h w ∂k/∂u is then close to I (h w |∂k/∂u| ≤ 2/65 · 1/2 &lt; 0.02).</summary>
public sealed record KernelCase(string Description, VolterraProblem Problem, int Steps, VolterraMethod Method)
{
    public override string ToString() => $"{Description}, T = {Problem.TEnd}, N = {Steps}, {Method}";
}

public static class VolterraGenerators
{
    private static readonly VolterraNonlinearity Sine = (t, u, g) => { for (int i = 0; i < u.Length; i++) g[i] = Math.Sin(u[i]) + 0.3 * Math.Cos(t); };

    private static readonly VolterraNonlinearityJacobian SineJacobian = (t, u, j) =>
    {
        j.Clear();
        for (int i = 0; i < u.Length; i++) j[i * u.Length + i] = Math.Cos(u[i]);
    };

    private static Gen<double> Uniform(double lo, double hi, int grid = 1000) => Gen.Choose(0, grid).Select(i => lo + (hi - lo) * i / grid);

    /// <summary>N from 65 (the first N with an FFT block, leaf 64) to 700, mostly not powers of two.</summary>
    private static Gen<int> Steps() => Gen.Choose(65, 700);

    private static Gen<VolterraMethod> Method() => Gen.Elements(VolterraMethod.Trapezoidal, VolterraMethod.Gregory4);

    /// <summary>K(x) = a cos(ωx + φ) e^{−dx} entrywise (|K| ≤ 1 per entry / n), scalar or 2×2.</summary>
    public static Gen<KernelCase> Convolution() =>
        from dimension in Gen.Choose(1, 2)
        from amplitudes in Uniform(-1, 1).ArrayOf(dimension * dimension)
        from frequencies in Uniform(0, 6).ArrayOf(dimension * dimension)
        from decay in Uniform(0, 3)
        from nonlinear in Gen.Elements(false, true)
        from tEnd in Uniform(0.2, 2)
        from steps in Steps()
        from method in Method()
        let kernel = ConvolutionKernel.Matrix(dimension, (x, k) =>
        {
            for (int e = 0; e < k.Length; e++) k[e] = amplitudes[e] / dimension * Math.Cos(frequencies[e] * x + e) * Math.Exp(-decay * x);
        }, nonlinear ? Sine : null, nonlinear ? SineJacobian : null)
        let forcing = (VolterraForcing)((t, f) => { for (int i = 0; i < f.Length; i++) f[i] = 1 + i - Math.Sin(2 * t); })
        select new KernelCase($"convolution n = {dimension}, a = [{string.Join(", ", amplitudes)}], ω = [{string.Join(", ", frequencies)}], d = {decay}, {(nonlinear ? "sin" : "linear")}",
            new VolterraProblem(forcing, kernel, tEnd), steps, method);

    /// <summary>1–3 exponentials with Σ|c_j| ≤ 1, β_j ∈ [−3, 1], Θ(t) = t + s sin t with s ∈ [0, 0.9] (increasing).</summary>
    public static Gen<KernelCase> Exponential() =>
        from count in Gen.Choose(1, 3)
        from coefficients in Uniform(-1, 1).ArrayOf(count)
        from rates in Uniform(-3, 1).ArrayOf(count)
        from wiggle in Uniform(0, 0.9)
        from dimension in Gen.Choose(1, 2)
        from nonlinear in Gen.Elements(false, true)
        from tEnd in Uniform(0.2, 2)
        from steps in Steps()
        from method in Method()
        let scaled = coefficients.Select(c => c / count).ToArray()
        let kernel = new ExponentialSumKernel(dimension, scaled, rates, t => t + wiggle * Math.Sin(t), nonlinear ? Sine : null, nonlinear ? SineJacobian : null)
        let forcing = (VolterraForcing)((t, f) => { for (int i = 0; i < f.Length; i++) f[i] = 1 - i + t * t; })
        select new KernelCase($"exponential n = {dimension}, c = [{string.Join(", ", scaled)}], β = [{string.Join(", ", rates)}], Θ = t + {wiggle} sin t, {(nonlinear ? "sin" : "linear")}",
            new VolterraProblem(forcing, kernel, tEnd), steps, method);
}

public sealed class VolterraArbitraries
{
    public static Arbitrary<KernelCase> KernelCase() => Gen.OneOf(VolterraGenerators.Convolution(), VolterraGenerators.Exponential()).ToArbitrary();
}

[Properties(Arbitrary = [typeof(VolterraArbitraries)])]
public class AgreementTests
{
    private static double MaxDeviation(VolterraSolution a, VolterraSolution b)
    {
        double d = 0;
        for (int i = 0; i < a.Times.Length; i++)
            for (int c = 0; c < a.Dimension; c++) d = Math.Max(d, Math.Abs(a.At(i)[c] - b.At(i)[c]));
        return d;
    }

    private static double MaxAbs(VolterraSolution a)
    {
        double m = 0;
        for (int i = 0; i < a.Times.Length; i++)
            for (int c = 0; c < a.Dimension; c++) m = Math.Max(m, Math.Abs(a.At(i)[c]));
        return m;
    }

    /// <summary>Fast and direct history differ only in rounding. FFT convolution: each block sum is off by
    /// ≲ c ε log₂(2B) Σ|K||G| (c ≈ 5 for radix 2), so a grid value by ≲ c ε log₂N · T max|K| max|G|, amplified by at
    /// most e^{T L} ≤ e² (see KernelCase). Exponential sums: R_m(n) is a product of ≤ N step factors, relative
    /// error ≲ (2N + |β| Σ|ΔΘ|) ε ≤ 2e-13 for N ≤ 700. Both sit two orders below 1e-12 · log₂N · max(1, max|u|).
    /// The Newton tolerance (1e-12) does not enter: at convergence the error is the square of the last update.</summary>
    [Property(MaxTest = 30)]
    public void FastAndDirectHistoryAgreeToRounding(KernelCase c)
    {
        var fast = VolterraSolver.Solve(c.Problem, new VolterraOptions { Method = c.Method, Steps = c.Steps, History = HistoryAlgorithm.Fast });
        var direct = VolterraSolver.Solve(c.Problem, new VolterraOptions { Method = c.Method, Steps = c.Steps, History = HistoryAlgorithm.Direct });
        double bound = 1e-12 * Math.Log2(c.Steps) * Math.Max(1, MaxAbs(direct));
        double deviation = MaxDeviation(fast, direct);
        Assert.True(deviation <= bound, $"max |fast − direct| = {deviation:E2} > {bound:E2}");
        if (c.Problem.Kernel is ConvolutionKernel) Assert.True(fast.Statistics.FftCount > 0);
        Assert.Equal(0, direct.Statistics.FftCount);
    }

    /// <summary>u = cos t with k = e^{t−τ} u(τ)² as a general, a convolution and an exponential-sum kernel: the
    /// discrete equations are the same, so the grids agree to rounding (e^{t−τ} evaluated as e^{(n−j)h}, e^{t_n − t_j}
    /// or a product of e^{h}: relative differences ≲ N ε ≤ 1e-13, times |u| ≤ 1 and the amplification e^{2T}).</summary>
    [Property(MaxTest = 15)]
    public Property SameProblemAsThreeKernelClassesGivesTheSameGrid() =>
        Prop.ForAll(Gen.Choose(5, 400).ToArbitrary(), Gen.Choose(2, 15).Select(x => x / 10.0).ToArbitrary(), Gen.Elements(VolterraMethod.Trapezoidal, VolterraMethod.Gregory4).ToArbitrary(),
            (steps, tEnd, method) =>
            {
                var options = new VolterraOptions { Method = method, Steps = steps };
                var general = VolterraSolver.Solve(ClosedForms.Manufactured("general", tEnd).Problem, options);
                var convolution = VolterraSolver.Solve(ClosedForms.Manufactured("convolution", tEnd).Problem, options);
                var exponential = VolterraSolver.Solve(ClosedForms.Manufactured("exponential", tEnd).Problem, options);
                double bound = 1e-12 * Math.Log2(steps + 1);
                Assert.True(MaxDeviation(general, convolution) <= bound, $"general vs convolution {MaxDeviation(general, convolution):E2}");
                Assert.True(MaxDeviation(general, exponential) <= bound, $"general vs exponential {MaxDeviation(general, exponential):E2}");
            });

    /// <summary>The real FFT against the O(M²) DFT sum: rounding ≲ ε log₂M · Σ|x| per coefficient (twiddles exact to
    /// ε); the round trip returns M·x.</summary>
    [Property(MaxTest = 40)]
    public Property RealFftMatchesTheDefinition() =>
        Prop.ForAll(Gen.Choose(1, 10).ToArbitrary(), Gen.Choose(0, 100_000).ToArbitrary(), (log2, seed) =>
        {
            int size = 1 << log2;
            var random = new Random(seed);
            var x = Enumerable.Range(0, size).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var data = new double[size + 2];
            x.CopyTo(data, 0);
            var fft = new RealFft(1 << 10);
            fft.Forward(data, size);
            double bound = 1e-15 * 4 * (log2 + 1) * x.Sum(Math.Abs);
            for (int k = 0; k <= size / 2; k++)
            {
                double re = 0, im = 0;
                for (int j = 0; j < size; j++)
                {
                    var (sin, cos) = Math.SinCos(2 * Math.PI * ((long)j * k % size) / size);
                    re += x[j] * cos;
                    im -= x[j] * sin;
                }
                Assert.True(Math.Abs(data[2 * k] - re) <= bound && Math.Abs(data[2 * k + 1] - im) <= bound, $"k = {k}: {data[2 * k]} + {data[2 * k + 1]}i vs {re} + {im}i");
            }
            fft.Inverse(data, size);
            for (int j = 0; j < size; j++) Assert.Equal(x[j], data[j] / size, 1e-14 * (log2 + 1));
        });
}
