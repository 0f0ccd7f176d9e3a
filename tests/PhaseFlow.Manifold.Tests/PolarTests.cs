using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace PhaseFlow.Manifold.Tests;

/// <summary>Polar backends on G = U diag(σ) Vᵀ with Haar U, V and log-spaced σ of condition κ. The exact answer is UVᵀ.
/// Perturbation theory: a backward error ‖ΔG‖ ≤ c ε n ‖G‖ moves the polar factor by ≤ 2‖ΔG‖/σ_min, so SVD and the
/// converged Newton–Schulz must be within 4ε κ n^{3/2}; the Gram route squares the conditioning (4ε κ² n^{3/2}).</summary>
public class PolarTests
{
    private const double Eps = 2.220446049250313e-16;

    private static (Matrix<double> G, Matrix<double> U, Matrix<double> V, double[] S) Make(int d, int m, double kappa, int seed, int rank = -1)
    {
        int r = Math.Min(d, m);
        var u = RandomMatrices.Orthogonal(r, d, seed).Transpose();
        var v = RandomMatrices.Orthogonal(r, m, seed + 1).Transpose();
        var s = Enumerable.Range(0, r).Select(i => rank >= 0 && i >= rank ? 0 : Math.Pow(kappa, -(double)i / Math.Max(1, (rank >= 0 ? rank : r) - 1))).ToArray();
        return (u * DenseMatrix.OfDiagonalArray(s) * v.Transpose(), u, v, s);
    }

    public static TheoryData<int, int, double> Shapes() => new()
    {
        { 16, 16, 1 }, { 16, 16, 1e3 }, { 16, 16, 1e6 }, { 9, 25, 1e2 }, { 25, 9, 1e4 }, { 48, 48, 1e5 }, { 3, 40, 10 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ExactBackendsReturnUVTranspose(int d, int m, double kappa)
    {
        var (g, u, v, _) = Make(d, m, kappa, d * 100 + m);
        var exact = u * v.Transpose();
        int n = Math.Max(d, m);
        foreach (var method in new[] { PolarMethod.Svd, PolarMethod.NewtonSchulz })
        {
            var p = PolarFactor.Compute(g, method);
            Assert.True((p - exact).FrobeniusNorm() <= 4 * Eps * kappa * Math.Pow(n, 1.5), $"{method}: {(p - exact).FrobeniusNorm():E2}");
        }
        if (kappa * kappa * n * Eps < 1e-3)
        {
            var p = PolarFactor.Compute(g, PolarMethod.GramEigen);
            Assert.True((p - exact).FrobeniusNorm() <= 4 * Eps * kappa * kappa * Math.Pow(n, 1.5), $"GramEigen: {(p - exact).FrobeniusNorm():E2}");
        }
    }

    /// <summary>Muon's iteration is a polynomial in GGᵀ: its result is U p⁵(σ/‖G‖_F) Vᵀ exactly (to rounding), with p the
    /// Muon quintic; for κ ≤ 30 the resulting singular values lie in [0.5, 1.5] (the spec's "about [0.5, 1.5]").</summary>
    [Theory]
    [InlineData(16, 16, 1.0)]
    [InlineData(20, 12, 10.0)]
    [InlineData(12, 30, 30.0)]
    public void MuonIsTheIteratedQuinticOfTheSingularValues(int d, int m, double kappa)
    {
        var (g, u, v, s) = Make(d, m, kappa, 7);
        var (a, b, c) = PolarFactor.MuonCoefficients;
        double fro = g.FrobeniusNorm();
        var f = s.Select(x =>
        {
            x /= fro;
            for (int k = 0; k < 5; k++) x = a * x + b * x * x * x + c * x * x * x * x * x;
            return x;
        }).ToArray();
        var p = PolarFactor.Compute(g, PolarMethod.MuonNewtonSchulz);
        int n = Math.Max(d, m);
        Assert.True((p - u * DenseMatrix.OfDiagonalArray(f) * v.Transpose()).FrobeniusNorm() <= 16 * Eps * Math.Pow(n, 1.5) * 5);
        Assert.All(f, x => Assert.InRange(x, 0.5, 1.5));
        Assert.True((p - u * v.Transpose()).FrobeniusNorm() > 0.05, "Muon is approximate, not the polar factor");
    }

    /// <summary>Zero singular values are dropped: polar(0) = 0 and a rank-r G gives U_r V_rᵀ (Newton–Schulz: directions
    /// below its resolution stay at the level they reach, ≤ 1e-8 here).</summary>
    [Fact]
    public void ZeroSingularValuesAreDropped()
    {
        foreach (var method in Enum.GetValues<PolarMethod>())
            Assert.Equal(0.0, PolarFactor.Compute(DenseMatrix.Create(5, 7, 0), method).FrobeniusNorm());
        var (g, u, v, _) = Make(10, 14, 50, 3, rank: 4);
        var exact = u.SubMatrix(0, 10, 0, 4) * v.SubMatrix(0, 14, 0, 4).Transpose();
        foreach (var (method, tolerance) in new[] { (PolarMethod.Svd, 1e-12), (PolarMethod.GramEigen, 1e-9), (PolarMethod.NewtonSchulz, 1e-8) })
        {
            double error = (PolarFactor.Compute(g, method) - exact).FrobeniusNorm();
            Assert.True(error < tolerance, $"{method}: {error:E2}");
        }
    }

    [Fact]
    public void NewtonSchulzReportsItsIterationsAndConvergesFasterThanPlainCubic()
    {
        var (g, _, _, _) = Make(32, 32, 1e4, 5);
        var r = PolarFactor.Compute(g, new PolarOptions { Method = PolarMethod.NewtonSchulz });
        // Plain cubic Newton–Schulz needs log_1.5(κ·√n) ≈ 27 iterations to lift σ_min, plus the quadratic phase.
        Assert.InRange(r.Iterations, 5, 27);
        var e = Assert.Throws<ManifoldSolverException>(() => PolarFactor.Compute(g, new PolarOptions { Method = PolarMethod.NewtonSchulz, MaxIterations = 3 }));
        Assert.Contains("did not converge", e.Message, StringComparison.Ordinal);
    }
}
