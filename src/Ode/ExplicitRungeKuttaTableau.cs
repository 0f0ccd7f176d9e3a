namespace PhaseFlow.Ode;

/// <summary>Writes the dense-output weights <c>b_i(θ)</c> of every stage, so that
/// <c>y(t0 + θh) = y0 + h Σ b_i(θ) k_i</c>.</summary>
/// <param name="theta">Position in the step, θ ∈ [0, 1].</param>
/// <param name="weights">Destination, one weight per stage.</param>
public delegate void DenseOutputWeights(double theta, Span<double> weights);

/// <summary>Butcher tableau of an explicit Runge–Kutta method, with optional embedded error weights and dense output.</summary>
public sealed class ExplicitRungeKuttaTableau
{
    /// <summary>Creates and checks a tableau (row sums of A equal c; weights sum to one).</summary>
    /// <param name="name">Method name.</param>
    /// <param name="order">Order of the propagated solution.</param>
    /// <param name="embeddedOrder">Order of the embedded solution, 0 when there is none.</param>
    /// <param name="c">Nodes.</param>
    /// <param name="a">Strictly lower-triangular coefficients: row i has i entries.</param>
    /// <param name="b">Weights of the propagated solution.</param>
    /// <param name="errorWeights">b − b̂ (null for fixed-step methods).</param>
    /// <param name="firstSameAsLast">The last stage is evaluated at the new state and reused as the next first stage.</param>
    /// <param name="denseOutput">Dense-output weights (null: the driver falls back to cubic Hermite interpolation, which needs FSAL).</param>
    /// <param name="denseOrder">Order of the dense output.</param>
    public ExplicitRungeKuttaTableau(string name, int order, int embeddedOrder, double[] c, double[][] a, double[] b,
        double[]? errorWeights, bool firstSameAsLast, DenseOutputWeights? denseOutput, int denseOrder)
    {
        int s = b.Length;
        if (c.Length != s || a.Length != s) throw new ArgumentException($"Tableau {name}: c, A and b must have {s} stages.");
        for (int i = 0; i < s; i++)
        {
            if (a[i].Length != i) throw new ArgumentException($"Tableau {name}: row {i} of A must have {i} entries.");
            double rowSum = 0;
            foreach (double aij in a[i]) rowSum += aij;
            if (Math.Abs(rowSum - c[i]) > 1e-13) throw new ArgumentException($"Tableau {name}: row {i} of A does not sum to c[{i}].");
        }
        if (Math.Abs(b.Sum() - 1) > 1e-13) throw new ArgumentException($"Tableau {name}: weights do not sum to 1.");
        if (errorWeights is not null && errorWeights.Length != s) throw new ArgumentException($"Tableau {name}: error weights need {s} entries.");
        Name = name;
        Order = order;
        EmbeddedOrder = embeddedOrder;
        C = c;
        A = a;
        B = b;
        ErrorWeights = errorWeights;
        FirstSameAsLast = firstSameAsLast;
        DenseOutput = denseOutput;
        DenseOrder = denseOutput is null ? 0 : denseOrder;
    }

    /// <summary>Method name.</summary>
    public string Name { get; }

    /// <summary>Order of the propagated solution.</summary>
    public int Order { get; }

    /// <summary>Order of the embedded solution (0: none).</summary>
    public int EmbeddedOrder { get; }

    /// <summary>Number of stages.</summary>
    public int Stages => B.Count;

    /// <summary>Nodes.</summary>
    public IReadOnlyList<double> C { get; }

    /// <summary>Coefficients, row i holding a_i0..a_i(i−1).</summary>
    public IReadOnlyList<double[]> A { get; }

    /// <summary>Weights.</summary>
    public IReadOnlyList<double> B { get; }

    /// <summary>b − b̂, or null for a method without error estimate.</summary>
    public IReadOnlyList<double>? ErrorWeights { get; }

    /// <summary>Whether the last stage is f at the new state (FSAL).</summary>
    public bool FirstSameAsLast { get; }

    /// <summary>Dense-output weights, or null.</summary>
    public DenseOutputWeights? DenseOutput { get; }

    /// <summary>Order of the dense output (0: none).</summary>
    public int DenseOrder { get; }

    /// <summary>Dormand–Prince 5(4) (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, DOPRI5) with its
    /// fourth-order continuous extension.</summary>
    public static ExplicitRungeKuttaTableau DormandPrince54 { get; } = CreateDormandPrince54();

    private static ExplicitRungeKuttaTableau CreateDormandPrince54()
    {
        double[] c = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1];
        double[][] a =
        [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ];
        double[] b = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
        double[] e = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40];
        double[] d =
        [
            -12715105075.0 / 11282082432, 0, 87487479700.0 / 32700410799, -10690763975.0 / 1880347072,
            701980252875.0 / 199316789632, -1453857185.0 / 822651844, 69997945.0 / 29380423,
        ];
        // Hairer's CONTD5 written as stage weights:
        // y(θ) = y0 + θ r2 + θ(1−θ) r3 + θ²(1−θ) r4 + θ²(1−θ)² r5, r2 = hΣb k, r3 = hk1 − r2,
        // r4 = 2 r2 − h k1 − h k7, r5 = hΣd k.
        void Dense(double theta, Span<double> w)
        {
            double t1 = theta * (1 - theta), t2 = theta * t1, t3 = t2 * (1 - theta);
            for (int i = 0; i < 7; i++)
            {
                double delta1 = i == 0 ? 1 : 0, delta7 = i == 6 ? 1 : 0;
                w[i] = theta * b[i] + t1 * (delta1 - b[i]) + t2 * (2 * b[i] - delta1 - delta7) + t3 * d[i];
            }
        }
        return new ExplicitRungeKuttaTableau("Dormand–Prince 5(4)", 5, 4, c, a, b, e, firstSameAsLast: true, Dense, denseOrder: 4);
    }
}
