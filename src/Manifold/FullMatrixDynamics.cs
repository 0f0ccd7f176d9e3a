using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>Seeded random matrices.</summary>
public static class RandomMatrices
{
    /// <summary>Q_0 ∈ R^{d×m} with orthonormal rows (Q_0 Q_0ᵀ = I_d, so m ≥ d), Haar-distributed: the thin QR
    /// factorisation (MathNet) of an m×d Gaussian matrix, with the signs of R's diagonal moved into Q, transposed.</summary>
    /// <param name="d">Rows, in [1, 8192].</param>
    /// <param name="m">Columns, in [d, 8192].</param>
    /// <param name="seed">Seed of every draw.</param>
    public static Matrix<double> Orthogonal(int d, int m, int seed)
    {
        Check.InRange(d, 1, Covariance.MaxDimension, "d");
        Check.InRange(m, d, Covariance.MaxDimension, "m");
        var a = Gaussian(m, d, seed);
        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var q = qr.Q;
        var r = qr.R;
        for (int j = 0; j < d; j++)
            if (r[j, j] < 0)
                for (int i = 0; i < m; i++) q[i, j] = -q[i, j];
        return q.Transpose();
    }

    /// <summary>A d×m matrix of independent N(0, scale²) entries (column by column from the seeded stream).</summary>
    public static Matrix<double> Gaussian(int d, int m, int seed, double scale = 1)
    {
        Check.InRange(d, 1, Covariance.MaxDimension, "d");
        Check.InRange(m, 1, Covariance.MaxDimension, "m");
        Check.Finite(scale, "scale");
        var values = new double[d * m];
        SeededRandom.FillStandardNormal(SeededRandom.Create(seed), values);
        for (int i = 0; i < values.Length; i++) values[i] *= scale;
        return DenseMatrix.OfColumnMajor(d, m, values);
    }
}

/// <summary>Where a full-matrix run takes its gradient from.</summary>
public abstract record GradientSource
{
    private protected GradientSource() { }

    /// <summary>The exact population gradient ∇L.</summary>
    public static GradientSource Population { get; } = new PopulationGradient();

    /// <summary>The gradient of the empirical loss over n Gaussian samples drawn from <paramref name="seed"/>: one fixed data
    /// set for the whole run (empirical risk minimisation), or a fresh set every step when <paramref name="resample"/>.</summary>
    /// <param name="count">n in [1, 10^7] (n·d ≤ 2^27).</param>
    /// <param name="seed">Seed of every draw.</param>
    /// <param name="resample">Draw fresh samples every step (online mini-batches).</param>
    public static GradientSource Samples(int count, int seed, bool resample = false)
    {
        Check.InRange(count, 1, 10_000_000, "samples");
        return new SampleGradient(count, seed, resample);
    }

    /// <summary>The population gradient.</summary>
    public sealed record PopulationGradient : GradientSource;

    /// <summary>The empirical gradient over samples.</summary>
    /// <param name="Count">n.</param>
    /// <param name="Seed">Seed.</param>
    /// <param name="Resample">Fresh samples every step.</param>
    public sealed record SampleGradient(int Count, int Seed, bool Resample) : GradientSource;
}

/// <summary>A full-matrix run: the model, W_0, GD or SpecGD, the number of steps and the step size.</summary>
public sealed class FullMatrixProblem
{
    private readonly double[] _initial;

    /// <summary>Creates the problem; W_0 is copied.</summary>
    /// <param name="model">The full-matrix model.</param>
    /// <param name="initial">W_0 ∈ R^{d×m}, finite (on the manifold or not).</param>
    /// <param name="method">GD or SpecGD (the flows are reduced-only).</param>
    /// <param name="steps">Steps, in [1, 2^40].</param>
    /// <param name="stepSize">η̃ or η, finite and &gt; 0.</param>
    public FullMatrixProblem(FullMatrixModel model, Matrix<double> initial, ManifoldMethod method, long steps, double stepSize)
    {
        Model = Check.NotNull(model, "model");
        Check.NotNull(initial, "initial");
        if (initial.RowCount != model.Dimension)
            throw new InvalidParameterException("initial", $"with d = {model.Dimension} rows", $"{initial.RowCount} rows");
        Check.InRange(initial.ColumnCount, 1, Covariance.MaxDimension, "m");
        _initial = initial.ToColumnMajorArray();
        Check.Finite(_initial, "initial");
        Width = initial.ColumnCount;
        if (!method.IsDiscrete())
            throw new InvalidParameterException("method", "gd or specgd for a full-matrix run (the flows run on the reduced model)", method.ShortName());
        Method = method;
        Steps = Check.InRange(steps, 1, 1L << 40, "steps");
        StepSize = Check.Positive(stepSize, "eta");
    }

    /// <summary>The model.</summary>
    public FullMatrixModel Model { get; }

    /// <summary>W_0 (a copy).</summary>
    public Matrix<double> Initial => DenseMatrix.OfColumnMajor(Model.Dimension, Width, _initial);

    internal double[] InitialArray => _initial;

    /// <summary>m, the number of columns (hidden units).</summary>
    public int Width { get; }

    /// <summary>GD or SpecGD.</summary>
    public ManifoldMethod Method { get; }

    /// <summary>Number of steps.</summary>
    public long Steps { get; }

    /// <summary>η̃ or η.</summary>
    public double StepSize { get; }
}

/// <summary>Options of a full-matrix run. Immutable.</summary>
public sealed record FullMatrixOptions
{
    /// <summary>The gradient: population (default) or finite-sample.</summary>
    public GradientSource Gradient { get; init; } = GradientSource.Population;

    /// <summary>The polar-factor backend of SpecGD and its settings (default: exact, SVD).</summary>
    public PolarOptions Polar { get; init; } = new();

    /// <summary>Q_0 (orthonormal rows, d×m) when the run starts on 𝓜(Q_0): coordinates are then the signed coordinates of
    /// the nearest point of 𝓜(Q_0) and the distance is to 𝓜(Q_0), both at every step. Without it, coordinates are the
    /// magnitudes √(‖P_g W‖²/n_g) and the distance is the intrinsic Gram distance, at the recorded samples.</summary>
    public Matrix<double>? Frame { get; init; }

    /// <summary>Output times, loss levels, escape level, divergence factor (the integration settings do not apply).</summary>
    public ManifoldOptions Recording { get; init; } = new();
}

/// <summary>Full-matrix GD and SpecGD on W ∈ R^{d×m}.</summary>
public static class FullMatrixDynamics
{
    /// <summary>Runs the problem.</summary>
    /// <exception cref="InvalidParameterException">Invalid options.</exception>
    /// <exception cref="ManifoldDivergedException">The run diverged; says at which step.</exception>
    /// <exception cref="ManifoldSolverException">The Newton–Schulz polar iteration did not converge.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ManifoldResult Solve(FullMatrixProblem problem, FullMatrixOptions? options = null, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= new FullMatrixOptions();
        Check.NotNull(options.Gradient, "Gradient");
        Check.NotNull(options.Polar, "Polar");
        Check.NotNull(options.Recording, "Recording");
        options.Polar.Validate();
        options.Recording.Validate();
        var model = problem.Model;
        int d = model.Dimension, m = problem.Width;
        var frame = model.Frame;
        double[]? q0 = null;
        if (options.Frame is { } q)
        {
            if (frame is null) throw new InvalidParameterException("Frame", "given only when the teacher is an eigenvector of Σ (the model has a manifold)", "a Q_0");
            if (q.RowCount != d || q.ColumnCount != m)
                throw new InvalidParameterException("Frame", $"of size {d}×{m} like W_0", $"{q.RowCount}×{q.ColumnCount}");
            q0 = q.ToColumnMajorArray();
        }
        bool spectral = problem.Method == ManifoldMethod.SpectralGradientDescent;
        string polarName = options.Polar.Method switch
        {
            PolarMethod.Svd => "SVD",
            PolarMethod.GramEigen => "Gram eigen-decomposition",
            PolarMethod.NewtonSchulz => "Newton–Schulz (convergent)",
            _ => "Muon Newton–Schulz (approximate)",
        };
        string source = options.Gradient is GradientSource.SampleGradient sg ? $", {sg.Count} samples{(sg.Resample ? " per step" : "")}" : "";
        string name = spectral ? $"full-matrix SpecGD, {polarName} polar{source}" : $"full-matrix GD{source}";
        var names = frame?.GroupNames ?? ["a"];
        int groups = names.Count;
        var tracker = new RunTracker(groups, names, model.Alpha, model.Rho, options.Recording, hasDistance: true, progress);

        var w = problem.InitialArray.ToArray();
        var grad = new double[w.Length];
        var polar = new double[w.Length];
        var scratch = new double[w.Length];
        var workspace = new GradientWorkspace(model, m);
        var polarWorkspace = spectral ? new PolarWorkspace(d, m, options.Polar) : null;
        SampleSet? samples = null;
        if (options.Gradient is GradientSource.SampleGradient s)
        {
            samples = new SampleSet(model, s.Count, s.Seed);
            samples.Draw();
        }
        var squares = new double[groups];
        var inner = new double[groups];
        var signs = new double[groups];
        var coordinates = new double[groups];
        var teacherUnit = model.TeacherArray.Select(t => t / Math.Sqrt(model.Rho)).ToArray();
        double[]? gram = null, small = null;
        var outputs = options.Recording.ResolveOutput(problem.Steps, discrete: true);
        int next = 0;
        long polarIterations = 0;
        double eta = problem.StepSize, limit = double.NaN, loss = double.NaN;

        (double A2, double B2) SignalSpike()
        {
            if (frame is null)
            {
                double a2 = 0;
                for (int j = 0; j < m; j++) { double c = Blas.Dot(w.AsSpan(j * d, d), teacherUnit); a2 += c * c; }
                return (a2, double.NaN);
            }
            frame.GroupSquares(w, m, squares);
            return (squares[frame.SignalGroup], frame.SpikeGroup >= 0 ? squares[frame.SpikeGroup] / frame.Multiplicity[frame.SpikeGroup] : 0);
        }

        for (long k = 0; ; k++)
        {
            if (samples is null) loss = workspace.Population(w, grad);
            else
            {
                loss = workspace.Population(w, null);
                if (k > 0 && ((GradientSource.SampleGradient)options.Gradient).Resample) samples.Draw();
                workspace.Empirical(w, grad, samples);
            }
            if (k == 0) limit = options.Recording.DivergenceFactor * Math.Max(loss, model.LossScale * Math.Pow(model.Covariance.MaxVariance * model.Rho, 2));
            if (!double.IsFinite(loss) || loss > limit)
                throw tracker.Diverged(name, k * eta, k,
                    double.IsFinite(loss) ? $"the loss grew to {loss:G3}" : "values overflowed or became NaN");
            var (a2, b2) = SignalSpike();
            double distance = double.NaN;
            if (frame is not null && q0 is not null) distance = frame.Coordinates(w, q0, m, coordinates, scratch);
            if (frame is not null)
            {
                frame.GroupInner(grad, w, m, inner);
                for (int g = 0; g < groups; g++) signs[g] = Math.Sign(inner[g]);
            }
            bool record = next < outputs.Length && outputs[next] == k;
            if (record)
            {
                if (frame is null) coordinates[0] = Math.Sqrt(a2);
                else if (q0 is null)
                {
                    frame.GroupSquares(w, m, squares);
                    for (int g = 0; g < groups; g++) coordinates[g] = Math.Sqrt(squares[g] / frame.Multiplicity[g]);
                    gram ??= new double[d * d];
                    distance = frame.GramDistance(w, m, gram);
                }
                double total = Blas.Dot(w, w);
                double gramNorm = GramNorm(w, d, m, ref small);
                var alignments = new Alignments(a2 / total, a2 / gramNorm, a2 / (a2 + b2));
                tracker.Record(new ManifoldSample(k, k * eta, coordinates.ToArray(), loss, alignments, distance));
                next++;
            }
            tracker.Observe(k * eta, k, a2, b2, loss, frame is null ? [] : signs, distance);
            if (k == problem.Steps) break;
            if (spectral)
            {
                polarIterations += polarWorkspace!.Compute(grad, polar);
                Blas.Axpby(-eta, polar, 1, w);
            }
            else Blas.Axpby(-eta, grad, 1, w);
            // Every step: one step of a large full-matrix run can take seconds.
            cancellationToken.ThrowIfCancellationRequested();
            if ((k & 15) == 0) tracker.Report(k, problem.Steps, k);
        }
        tracker.Report(problem.Steps, problem.Steps, problem.Steps, force: true);
        double[] final;
        if (frame is null) final = [coordinates[0]];
        else if (q0 is not null) { frame.Coordinates(w, q0, m, coordinates, scratch); final = coordinates.ToArray(); }
        else
        {
            frame.GroupSquares(w, m, squares);
            final = squares.Select((x, g) => Math.Sqrt(x / frame.Multiplicity[g])).ToArray();
        }
        return new ManifoldResult(problem.Method, eta, tracker.Trajectory(), final, loss, tracker.Stages(frame?.SpikeGroup ?? -1, null),
            tracker.Extremes(), [], new ManifoldStatistics(name, problem.Steps, problem.Steps + 1, polarIterations), tracker.Elapsed);
    }

    /// <summary>‖WWᵀ‖_F = ‖WᵀW‖_F through the smaller Gram matrix.</summary>
    private static double GramNorm(double[] w, int d, int m, ref double[]? buffer)
    {
        int s = Math.Min(d, m);
        buffer ??= new double[s * s];
        if (d <= m) Blas.Gemm(false, true, d, d, m, 1, w, d, w, d, 0, buffer, s);
        else Blas.Gemm(true, false, m, m, d, 1, w, d, w, d, 0, buffer, s);
        return Math.Sqrt(Blas.Dot(buffer.AsSpan(0, s * s), buffer.AsSpan(0, s * s)));
    }
}
