using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

public class SingleIndexLossTests
{
    [Fact]
    public void PhaseRetrievalLossIsTheModelsLossAndItsDerivativesAreCentralDifferences()
    {
        var spectrum = Spectrum.PowerLaw(50, 1.5);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3));
        var loss = new PhaseRetrievalLoss();
        var random = SeededRandom.Create(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var w = Initialization.Sphere(50, 100 + trial, 0.1 + 3 * random.NextDouble());
            var st = model.Statistics(w);
            Assert.Equal(model.Loss(st), loss.Loss(st.S, st.U, model.SStar));
            var d = loss.Derivatives(st.S, st.U, model.SStar);
            // P is quadratic: central differences are exact up to rounding of values of size P.
            double h = 1e-3, tol = 1e-9 * (1 + Math.Abs(d.Value));
            double Ps(double s, double u) => (loss.Value(s + h, u, model.SStar) - loss.Value(s - h, u, model.SStar)) / (2 * h);
            double Pu(double s, double u) => (loss.Value(s, u + h, model.SStar) - loss.Value(s, u - h, model.SStar)) / (2 * h);
            Assert.Equal(d.Ps, Ps(st.S, st.U), tol / h);
            Assert.Equal(d.Pu, Pu(st.S, st.U), tol / h);
            Assert.Equal(d.Pss, (Ps(st.S + h, st.U) - Ps(st.S - h, st.U)) / (2 * h), tol / (h * h));
            Assert.Equal(d.Psu, (Ps(st.S, st.U + h) - Ps(st.S, st.U - h)) / (2 * h), tol / (h * h));
            Assert.Equal(d.Puu, (Pu(st.S, st.U + h) - Pu(st.S, st.U - h)) / (2 * h), tol / (h * h));
        }
    }

    [Fact]
    public void PhaseRetrievalEscapesLinearlyWithCouplingEight()
    {
        var loss = new PhaseRetrievalLoss(noise: 0.5);
        Assert.Equal(0, loss.EscapeDrive(1.3));
        Assert.Equal(8, loss.EscapeCoupling(1.3));
        Assert.True(loss.SignInvariant);
        Assert.Equal(loss.Value(0.2, 0.1, 1) + 0.25, loss.Loss(0.2, 0.1, 1));
        Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalLoss(noise: -1));
    }
}
