using BenchmarkDotNet.Attributes;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Bench;

/// <summary>The summary-statistic hierarchy at K = 100 (200 equations, zero closure): right-hand side and dense Jacobian,
/// compiled from symbols against the same computation written by hand.</summary>
[MemoryDiagnoser]
public class SymbolicBenchmarks
{
    private const int K = 100, N = 2 * K;
    private CompiledSystem _compiled = null!;
    private readonly double[] _x = new double[N];
    private readonly double[] _y = new double[N + N * N];
    private readonly double[] _sStar = new double[K + 2];

    [GlobalSetup]
    public void Setup()
    {
        for (int k = 0; k <= K + 1; k++) _sStar[k] = Math.Pow(0.6, k);
        for (int i = 0; i < N; i++) _x[i] = 0.01 * (i + 1) / N;
        var s = Enumerable.Range(1, K).Select(k => Expr.Indexed("s", k)).ToArray();
        var u = Enumerable.Range(1, K).Select(k => Expr.Indexed("u", k)).ToArray();
        Expr S(int k) => k <= K ? s[k - 1] : Expr.Zero;
        Expr U(int k) => k <= K ? u[k - 1] : Expr.Zero;
        var drift = Expr.Number(_sStar[1]) - 3 * s[0];
        var equations = new List<Expr>();
        for (int k = 1; k <= K; k++) equations.Add(8 * drift * S(k + 1) + 16 * u[0] * U(k + 1));
        for (int k = 1; k <= K; k++) equations.Add(4 * drift * U(k + 1) + 8 * u[0] * Expr.Number(_sStar[k + 1]));
        _compiled = Compiler.CompileWithJacobian(equations, [.. s, .. u]);
        // Both sides must compute the same numbers before their speed is compared.
        Compiled();
        var compiled = (double[])_y.Clone();
        HandWritten();
        double worst = compiled.Zip(_y, (a, b) => Math.Abs(a - b)).Max();
        if (worst > 1e-12) throw new InvalidOperationException($"compiled and hand-written hierarchy differ by {worst}");
    }

    [Benchmark(Description = "compiled RHS + Jacobian")]
    public double Compiled()
    {
        _compiled.Evaluate(_x, _y);
        return _y[0];
    }

    [Benchmark(Baseline = true, Description = "hand-written RHS + Jacobian")]
    public double HandWritten()
    {
        var x = _x;
        var y = _y;
        Array.Clear(y);
        double s1 = x[0], u1 = x[K], drift = _sStar[1] - 3 * s1;
        var jac = y.AsSpan(N);
        for (int k = 1; k <= K; k++)
        {
            double sNext = k < K ? x[k] : 0, uNext = k < K ? x[K + k] : 0;
            y[k - 1] = 8 * drift * sNext + 16 * u1 * uNext;
            y[K + k - 1] = 4 * drift * uNext + 8 * u1 * _sStar[k + 1];
            int rs = (k - 1) * N, ru = (K + k - 1) * N;
            jac[rs] += -24 * sNext;                       // ∂/∂s1
            if (k < K) jac[rs + k] += 8 * drift;          // ∂/∂s[k+1]
            jac[rs + K] += 16 * uNext;                    // ∂/∂u1
            if (k < K) jac[rs + K + k] += 16 * u1;        // ∂/∂u[k+1]
            jac[ru] += -12 * uNext;
            if (k < K) jac[ru + K + k] += 4 * drift;
            jac[ru + K] += 8 * _sStar[k + 1];
        }
        return y[0];
    }
}
