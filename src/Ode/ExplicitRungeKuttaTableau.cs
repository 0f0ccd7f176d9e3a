namespace PhaseFlow.Ode;

/// <summary>Writes the dense-output weights <c>b_i(θ)</c> of every stage, so that
/// <c>y(t0 + θh) = y0 + h Σ b_i(θ) k_i</c>.</summary>
/// <param name="theta">Position in the step, θ ∈ [0, 1].</param>
/// <param name="weights">Destination, one weight per stage.</param>
public delegate void DenseOutputWeights(double theta, Span<double> weights);

/// <summary>Butcher tableau of an explicit Runge–Kutta method, with optional embedded error weights and dense output.
/// Immutable: the constructor copies its arrays and the coefficients are exposed read-only, so the shared static tableaus
/// cannot be changed by anyone.</summary>
public sealed class ExplicitRungeKuttaTableau
{
    /// <summary>Creates and checks a tableau (row sums of A equal c; weights sum to one); the arrays are copied.</summary>
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
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int s = b.Length;
        if (c.Length != s || a.Length != s) throw new ArgumentException($"Tableau {name}: c, A and b must have {s} stages.");
        for (int i = 0; i < s; i++)
        {
            if (a[i] is null || a[i].Length != i) throw new ArgumentException($"Tableau {name}: row {i} of A must have {i} entries.");
            double rowSum = 0;
            foreach (double aij in a[i]) rowSum += aij;
            if (Math.Abs(rowSum - c[i]) > 1e-13) throw new ArgumentException($"Tableau {name}: row {i} of A does not sum to c[{i}].");
        }
        if (Math.Abs(b.Sum() - 1) > 1e-13) throw new ArgumentException($"Tableau {name}: weights do not sum to 1.");
        if (errorWeights is not null && errorWeights.Length != s) throw new ArgumentException($"Tableau {name}: error weights need {s} entries.");
        Name = name;
        Order = order;
        EmbeddedOrder = embeddedOrder;
        // Private copies: the caller's arrays may change afterwards, and the public views below cannot write to these.
        CArray = c.ToArray();
        BArray = b.ToArray();
        ErrorWeightArray = errorWeights?.ToArray() ?? [];
        AFlat = a.SelectMany(row => row).ToArray();
        C = Array.AsReadOnly(CArray);
        B = Array.AsReadOnly(BArray);
        ErrorWeights = errorWeights is null ? null : Array.AsReadOnly(ErrorWeightArray);
        A = Array.AsReadOnly(Enumerable.Range(0, s).Select(i => (IReadOnlyList<double>)Array.AsReadOnly(AFlat[(i * (i - 1) / 2)..(i * (i + 1) / 2)])).ToArray());
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
    public int Stages => BArray.Length;

    /// <summary>Nodes (read-only).</summary>
    public IReadOnlyList<double> C { get; }

    /// <summary>Coefficients, row i holding a_i0..a_i(i−1) (read-only).</summary>
    public IReadOnlyList<IReadOnlyList<double>> A { get; }

    /// <summary>Weights (read-only).</summary>
    public IReadOnlyList<double> B { get; }

    /// <summary>b − b̂ (read-only), or null for a method without error estimate.</summary>
    public IReadOnlyList<double>? ErrorWeights { get; }

    // The integrator's views: never written after construction, never handed out.
    internal double[] CArray { get; }
    internal double[] BArray { get; }
    internal double[] ErrorWeightArray { get; }

    /// <summary>Row i of A at offset i(i−1)/2.</summary>
    internal double[] AFlat { get; }

    /// <summary>Whether the last stage is f at the new state (FSAL).</summary>
    public bool FirstSameAsLast { get; }

    /// <summary>Dense-output weights, or null.</summary>
    public DenseOutputWeights? DenseOutput { get; }

    /// <summary>Order of the dense output (0: none).</summary>
    public int DenseOrder { get; }

    /// <summary>Dormand–Prince 5(4) (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, DOPRI5) with its
    /// fourth-order continuous extension.</summary>
    public static ExplicitRungeKuttaTableau DormandPrince54 { get; } = CreateDormandPrince54();

    /// <summary>Tsitouras 5(4) (Ch. Tsitouras, <i>Comput. Math. Appl.</i> 62, 2011), FSAL, with its fourth-order
    /// interpolant; coefficients in the double-precision form of OrdinaryDiffEq.jl.</summary>
    public static ExplicitRungeKuttaTableau Tsitouras54 { get; } = CreateTsitouras54();

    /// <summary>The classical fourth-order Runge–Kutta method (fixed step only) with a third-order continuous extension.</summary>
    public static ExplicitRungeKuttaTableau ClassicalRungeKutta4 { get; } = new("classical RK4", 4, 0,
        [0, 0.5, 0.5, 1], [[], [0.5], [0, 0.5], [0, 0, 1]], [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6], null, firstSameAsLast: false,
        (theta, w) =>
        {
            double t2 = theta * theta, t3 = t2 * theta;
            w[0] = theta - 1.5 * t2 + 2.0 / 3 * t3;
            w[1] = w[2] = t2 - 2.0 / 3 * t3;
            w[3] = -0.5 * t2 + 2.0 / 3 * t3;
        }, denseOrder: 3);

    /// <summary>Explicit Euler (fixed step only), linear interpolation between steps.</summary>
    public static ExplicitRungeKuttaTableau Euler { get; } = new("explicit Euler", 1, 0, [0], [[]], [1], null, firstSameAsLast: false,
        (theta, w) => w[0] = theta, denseOrder: 1);

    private static ExplicitRungeKuttaTableau CreateTsitouras54()
    {
        double[] c = [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1];
        double[] b = [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0];
        double[][] a =
        [
            [],
            [0.161],
            [-0.008480655492356989, 0.335480655492357],
            [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
            [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
            [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
            b[..6],
        ];
        double[] e =
        [
            -0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629,
            0.5823571654525552, -0.45808210592918697, 1.0 / 66,
        ];
        // b_i(θ) = θ (r_i1 + θ (r_i2 + θ (r_i3 + θ r_i4))).
        double[][] r =
        [
            [1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
            [0, 0.13169999999999998, -0.2234, 0.1017],
            [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
            [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
            [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
            [0, -27.896526289197286, 65.09189467479366, -34.87065786149661],
            [0, 1.5, -4.0, 2.5],
        ];
        void Dense(double theta, Span<double> w)
        {
            for (int i = 0; i < 7; i++) w[i] = theta * (r[i][0] + theta * (r[i][1] + theta * (r[i][2] + theta * r[i][3])));
        }
        return new ExplicitRungeKuttaTableau("Tsitouras 5(4)", 5, 4, c, a, b, e, firstSameAsLast: true, Dense, denseOrder: 4);
    }

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
