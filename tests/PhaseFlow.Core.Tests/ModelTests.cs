using FsCheck.Xunit;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

[Properties(Arbitrary = [typeof(Arbitraries)])]
public class ModelTests
{
    /// <summary>Monte Carlo of E[((xᵀw)² − (xᵀw*)²)²]: the error must be within 5 standard errors of the estimate
    /// (a false alarm has probability ~6e-7 per case), plus a rounding floor on the integrand's own scale
    /// 3(s + s*)² — when w = ±w* the exact loss is 0 and every sample is pure rounding, so the standard error
    /// says nothing.</summary>
    [Property(MaxTest = 25)]
    public void LossMatchesMonteCarlo(ModelCase c)
    {
        var (mean, se) = MonteCarlo(c, 40_000, (xw, xt) => (xw * xw - xt * xt) * (xw * xw - xt * xt));
        double exact = c.Model.Loss(c.W);
        double scale = c.Model.Statistics(c.W).S + c.Model.SStar;
        Assert.True(Math.Abs(mean - exact) <= 5 * se + 1e-12 * 3 * scale * scale, $"MC {mean} ± {se}, exact {exact}");
    }

    [Property(MaxTest = 25)]
    public void GradientMatchesMonteCarloOfSampleGradients(ModelCase c)
    {
        int d = c.Model.Dimension, n = 20_000;
        var sampler = new OnlineSgd.GradientSampler(c.Model, 0.1, c.Seed);
        var single = new double[d];
        var mean = new double[d];
        var m2 = new double[d];
        for (int k = 1; k <= n; k++)
        {
            Array.Clear(single);
            sampler.AddGradient(c.W, single, 1);
            for (int i = 0; i < d; i++)
            {
                double delta = single[i] - mean[i];
                mean[i] += delta / k;
                m2[i] += delta * (single[i] - mean[i]);
            }
        }
        var exact = new double[d];
        c.Model.Gradient(c.W, exact);
        // Bonferroni over d coordinates at 5.5 standard errors.
        for (int i = 0; i < d; i++)
        {
            double se = Math.Sqrt(m2[i] / (n - 1) / n);
            Assert.True(Math.Abs(mean[i] - exact[i]) <= 5.5 * se + 1e-12, $"coordinate {i}: MC {mean[i]} ± {se}, exact {exact[i]}");
        }
    }

    /// <summary>Central differences: truncation h²|L'''|/6 plus rounding ε|L|/h; with h = 1e-5·scale both are below 1e-8 of the scale.</summary>
    [Property(MaxTest = 100)]
    public void GradientMatchesFiniteDifferences(ModelCase c)
    {
        int d = c.Model.Dimension;
        var g = new double[d];
        c.Model.Gradient(c.W, g);
        double h = 1e-5 * Math.Max(1, Norm(c.W));
        double scale = 1 + Math.Abs(c.Model.Loss(c.W)) + g.Max(Math.Abs);
        var wp = c.W.ToArray();
        for (int i = 0; i < d; i++)
        {
            wp[i] = c.W[i] + h;
            double lp = c.Model.Loss(wp);
            wp[i] = c.W[i] - h;
            double lm = c.Model.Loss(wp);
            wp[i] = c.W[i];
            Assert.True(Math.Abs((lp - lm) / (2 * h) - g[i]) <= 1e-7 * scale, $"coordinate {i}");
        }
    }

    [Property(MaxTest = 100)]
    public void HessianVectorProductMatchesFiniteDifferencesOfTheGradient(ModelCase c)
    {
        int d = c.Model.Dimension;
        var v = Initialization.Sphere(d, c.Seed + 7);
        var hv = new double[d];
        c.Model.HessianVectorProduct(c.W, v, hv);
        double h = 1e-5 * Math.Max(1, Norm(c.W));
        var gp = new double[d];
        var gm = new double[d];
        c.Model.Gradient(c.W.Select((x, i) => x + h * v[i]).ToArray(), gp);
        c.Model.Gradient(c.W.Select((x, i) => x - h * v[i]).ToArray(), gm);
        double scale = 1 + hv.Max(Math.Abs) + gp.Max(Math.Abs);
        for (int i = 0; i < d; i++) Assert.True(Math.Abs((gp[i] - gm[i]) / (2 * h) - hv[i]) <= 1e-7 * scale, $"coordinate {i}");
    }

    [Property(MaxTest = 100)]
    public void CriticalPointsHaveTheirType(ModelCase c)
    {
        var m = c.Model;
        int d = m.Dimension;
        var g = new double[d];
        var hv = new double[d];
        double sStar = m.SStar, tiny = 1e-13 * (1 + sStar) * m.Spectrum.Max * (1 + Math.Sqrt(m.TeacherNormSquared));

        // 0: zero gradient, negative-definite Hessian −4s*Q.
        var zero = new double[d];
        m.Gradient(zero, g);
        Assert.All(g, x => Assert.Equal(0, x));
        var v = Initialization.Sphere(d, c.Seed + 3);
        m.HessianVectorProduct(zero, v, hv);
        Assert.True(Dot(v, hv) < 0);

        // ±w*: zero loss and gradient, positive-definite Hessian 16(Qw*)(Qw*)ᵀ + 8s*Q.
        foreach (double sign in new[] { 1.0, -1.0 })
        {
            var ws = m.Teacher.ToArray().Select(x => sign * x).ToArray();
            Assert.True(Math.Abs(m.Loss(ws)) <= 1e-14 * sStar * sStar);
            m.Gradient(ws, g);
            Assert.All(g, x => Assert.True(Math.Abs(x) <= tiny));
            m.HessianVectorProduct(ws, v, hv);
            Assert.True(Dot(v, hv) > 0);
        }

        // u = 0, s = s*/3 (exists when d ≥ 2): stationary and a saddle (descent towards w*, ascent along w).
        if (d >= 2)
        {
            var saddle = Saddle(m, Initialization.Sphere(d, c.Seed + 5));
            var st = m.Statistics(saddle);
            Assert.Equal(sStar / 3, st.S, 1e-12 * sStar);
            m.Gradient(saddle, g);
            Assert.All(g, x => Assert.True(Math.Abs(x) <= tiny));
            m.HessianVectorProduct(saddle, m.Teacher, hv);
            Assert.True(Dot(m.Teacher.ToArray(), hv) < 0);
            m.HessianVectorProduct(saddle, saddle, hv);
            Assert.True(Dot(saddle, hv) > 0);
        }
    }

    [Property(MaxTest = 100)]
    public void SummaryStatisticIdentitiesHold(ModelCase c)
    {
        var m = c.Model;
        double s = m.Statistics(c.W).S, u = m.Statistics(c.W).U, l1 = m.Spectrum.Max;
        Assert.Equal(s, m.S(c.W, 1), 1e-12 * (1 + s));
        Assert.Equal(u, m.U(c.W, 1), 1e-12 * (1 + Math.Abs(u)));
        Assert.Equal(m.SStar, m.SStarMoment(1), 1e-12 * m.SStar);
        Assert.Equal(Dot(c.W, c.W), m.S(c.W, 0), 1e-12 * Dot(c.W, c.W));
        Assert.Equal(m.TeacherNormSquared, m.SStarMoment(0), 1e-12 * m.TeacherNormSquared);
        for (int k = 1; k <= 6; k++)
        {
            double sk = m.S(c.W, k), uk = m.U(c.W, k), ssk = m.SStarMoment(k);
            Assert.True(sk <= Math.Pow(l1, k - 1) * s * (1 + 1e-12), $"s^({k}) ≤ λ1^(k−1) s");
            Assert.True(uk * uk <= sk * ssk * (1 + 1e-12), $"Cauchy–Schwarz at k = {k}");
            // Spectral sum form: s^(k) = Σ λ^k w².
            double sum = 0;
            for (int i = 0; i < c.W.Length; i++) sum += Math.Pow(m.Lambda[i], k) * c.W[i] * c.W[i];
            Assert.Equal(sum, sk, 1e-12 * (1 + sum));
        }
        Assert.Equal(3 * s * s + 3 * m.SStar * m.SStar - 4 * u * u - 2 * m.SStar * s, m.Loss(c.W), 1e-12 * (1 + m.Loss(c.W)));
    }

    [Property(MaxTest = 100)]
    public void MseIsSignInvariantAndPlateauIsTheMseOfZero(ModelCase c)
    {
        var m = c.Model;
        Assert.Equal(m.Mse(c.W), m.Mse(c.W.Select(x => -x).ToArray()), 1e-15);
        Assert.Equal(m.Plateau, m.Mse(new double[m.Dimension]), 1e-14 * m.Plateau);
        Assert.Equal(0, m.Mse(m.Teacher));
        Assert.Equal(0, m.Mse(m.Teacher.ToArray().Select(x => -x).ToArray()));
    }

    [Fact]
    public void WrongLengthsAndNegativeOrdersAreTypedErrors()
    {
        var spectrum = Spectrum.PowerLaw(4, 2);
        var m = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        var e = Assert.Throws<InvalidParameterException>(() => m.Loss(new double[3]));
        Assert.Equal("w", e.Parameter);
        Assert.Throws<InvalidParameterException>(() => m.S(new double[4], -1));
        Assert.Throws<InvalidParameterException>(() => m.Gradient(new double[4], new double[5]));
        Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalModel(spectrum, new double[4]));
        Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalModel(spectrum, [1, 2, double.NaN, 4]));
    }

    internal static double[] Saddle(PhaseRetrievalModel model, double[] v)
    {
        var qt = model.QTeacher.ToArray();
        double vq = Dot(v, qt), qq = Dot(qt, qt);
        var w = v.Select((x, i) => x - vq / qq * qt[i]).ToArray();
        double scale = Math.Sqrt(model.SStar / 3 / model.Statistics(w).S);
        return w.Select(x => x * scale).ToArray();
    }

    private static (double Mean, double StandardError) MonteCarlo(ModelCase c, int n, Func<double, double, double> f)
    {
        var sqrtLambda = c.Model.Lambda.ToArray().Select(Math.Sqrt).ToArray();
        var random = SeededRandom.Create(c.Seed + 11);
        var z = new double[c.Model.Dimension];
        double mean = 0, m2 = 0;
        for (int k = 1; k <= n; k++)
        {
            SeededRandom.FillStandardNormal(random, z);
            double xw = 0, xt = 0;
            for (int i = 0; i < z.Length; i++)
            {
                xw += sqrtLambda[i] * z[i] * c.W[i];
                xt += sqrtLambda[i] * z[i] * c.Model.Teacher[i];
            }
            double v = f(xw, xt), delta = v - mean;
            mean += delta / k;
            m2 += delta * (v - mean);
        }
        return (mean, Math.Sqrt(m2 / (n - 1) / n));
    }

    internal static double Dot(double[] a, double[] b) => a.Select((x, i) => x * b[i]).Sum();

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
