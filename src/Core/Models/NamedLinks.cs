using MathNet.Numerics;

namespace PhaseFlow.Core;

public sealed partial class LinkFunction
{
    /// <summary>Creates a smooth (C⁴) link from its value and first four derivatives: what the quadrature kind
    /// (<see cref="QuadratureLoss"/>) needs of a student, whose P_ss is ¼E[(f²)⁗] and ¼E[f⁗(z₁)g(z₂)] by Price's
    /// theorem.</summary>
    /// <param name="text">How it is written, e.g. "tanh(z)".</param>
    /// <param name="value">f(z).</param>
    /// <param name="derivative">f′(z).</param>
    /// <param name="secondDerivative">f″(z).</param>
    /// <param name="thirdDerivative">f‴(z).</param>
    /// <param name="fourthDerivative">f⁗(z).</param>
    /// <param name="isEven">f(−z) = f(z) for every z.</param>
    public LinkFunction(string text, Func<double, double> value, Func<double, double> derivative, Func<double, double> secondDerivative,
        Func<double, double> thirdDerivative, Func<double, double> fourthDerivative, bool isEven)
        : this(text, value, derivative, secondDerivative, isEven)
    {
        ArgumentNullException.ThrowIfNull(thirdDerivative);
        ArgumentNullException.ThrowIfNull(fourthDerivative);
        ThirdDerivative = thirdDerivative;
        FourthDerivative = fourthDerivative;
    }

    /// <summary>f‴(z), or null when the link was not given as smooth.</summary>
    public Func<double, double>? ThirdDerivative { get; }

    /// <summary>f⁗(z), or null when the link was not given as smooth.</summary>
    public Func<double, double>? FourthDerivative { get; }

    /// <summary>True when the link carries f‴ and f⁗ (it was declared C⁴): only such links are accepted by
    /// <see cref="QuadratureLoss"/>.</summary>
    public bool IsSmooth => ThirdDerivative is not null && FourthDerivative is not null;

    /// <summary>z, the linear link.</summary>
    public static LinkFunction Linear { get; } = new("z", z => z, _ => 1, _ => 0, _ => 0, _ => 0, isEven: false);

    private const double TwoOverSqrtPi = 1.1283791670955125738961589031215451716881012586580;

    /// <summary>erf(z), with erf′ = (2/√π)e^{−z²}, erf″ = −2z·erf′, erf‴ = (4z² − 2)·erf′, erf⁗ = (12z − 8z³)·erf′.</summary>
    public static LinkFunction Erf { get; } = new("erf(z)", SpecialFunctions.Erf,
        z => TwoOverSqrtPi * Math.Exp(-z * z),
        z => -2 * z * TwoOverSqrtPi * Math.Exp(-z * z),
        z => (4 * z * z - 2) * TwoOverSqrtPi * Math.Exp(-z * z),
        z => (12 * z - 8 * z * z * z) * TwoOverSqrtPi * Math.Exp(-z * z),
        isEven: false);

    /// <summary>tanh(z), with t′ = 1 − t², t″ = −2t(1 − t²), t‴ = (6t² − 2)(1 − t²), t⁗ = (16t − 24t³)(1 − t²).</summary>
    public static LinkFunction Tanh { get; } = new("tanh(z)", Math.Tanh,
        z => 1 - Math.Tanh(z) * Math.Tanh(z),
        z => { double t = Math.Tanh(z); return -2 * t * (1 - t * t); },
        z => { double t = Math.Tanh(z); return (6 * t * t - 2) * (1 - t * t); },
        z => { double t = Math.Tanh(z); return (16 * t - 24 * t * t * t) * (1 - t * t); },
        isEven: false);

    /// <summary>relu(z) = max(z, 0). Not smooth: f′ is the step with the symmetric value f′(0) = ½ (the one that makes
    /// the spec's P_u(0, 0, s*) = −2f′(0)E[g′(z₂)] agree with the closed form's limit), and f″ is the Dirac δ, which a
    /// pointwise function cannot be: <see cref="SecondDerivative"/> returns 0 for z ≠ 0 and +∞ at z = 0 (where the
    /// δ's mass sits). Gaussian expectations of f″ are therefore taken in closed form (<see cref="ClosedFormLoss"/>),
    /// never by sampling or quadrature, which would see 0 almost surely; the link carries no f‴, f⁗ and
    /// <see cref="QuadratureLoss"/> refuses it. Where it matters: the escape coupling −P_uu(0, 0, s*) = 2f″(0)E[g″] of a
    /// relu student is +∞ (the closed form's P_uu = −1/(π√(ss* − u²)) diverges at s = 0), but its escape drive
    /// P_u(0, 0, s*) = −E[g′(z₂)] is nonzero for every teacher of nonzero mean slope, so there is no linear escape phase to
    /// couple. Online SGD reads only f′, which is the step almost surely.</summary>
    public static LinkFunction Relu { get; } = new("relu(z)",
        z => z > 0 ? z : 0,
        z => z > 0 ? 1 : z < 0 ? 0 : 0.5,
        z => z == 0 ? double.PositiveInfinity : 0,
        isEven: false);
}
