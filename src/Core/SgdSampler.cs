using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The sums one pass over a fresh sample x = √λ ∘ z collects against w: the two projections xᵀw and xᵀw*, and what
/// s = Σλw² and u = Σλw*w need to follow w ← w + a·x in O(1): s' = s + 2a Σλwx + a² Σλx², u' = u + a Σλw*x.</summary>
internal readonly record struct SampleSums(double Xw, double Xt, double LambdaWx, double LambdaXx, double QtX)
{
    /// <summary>s after w ← w + a·x.</summary>
    public double NextS(double s, double a) => s + (2 * a * LambdaWx + a * a * LambdaXx);

    /// <summary>u after w ← w + a·x.</summary>
    public double NextU(double u, double a) => u + a * QtX;
}

/// <summary>Online SGD's sample stream for one model: draws x ~ N(0, Q) block by block into a buffer, in the same pass takes
/// its products with w (and, optionally, first finishes the previous step's update w ← w + a·x_prev), and turns xᵀw, xᵀw*
/// into the step coefficient 2(f(xᵀw) − y) f′(xᵀw), y = g(xᵀw*) + σξ. One pass over four d-vectors per sample (√λ, λ, w*,
/// w read; w and x written); the normals come from <see cref="NormalStream"/>. Stateful: one per run or thread.</summary>
internal sealed class SgdSampler
{
    /// <summary>Normals are drawn this many at a time into an L1-resident buffer, then consumed by the SIMD pass.</summary>
    private const int Block = 512;

    /// <summary>A mini-batch's samples are kept for the update; beyond this many doubles they are taken in chunks.</summary>
    private const int MaxBatchDoubles = 1 << 21;

    private readonly ArraySegment<double> _sqrtLambda, _lambda, _teacher, _x;
    private readonly double[] _z = new double[Block];
    private readonly int _stride;
    private readonly Vector<double>[] _batchSums;
    private readonly double[] _batchTails;
    private readonly NormalStream _normals;
    private readonly double _noise;
    private readonly Func<double, double> _f, _fPrime, _g;

    /// <summary>A sampler for <paramref name="model"/> with label noise σ = <paramref name="noise"/>, drawing from
    /// <paramref name="seed"/>; room for up to <paramref name="batch"/> samples at a time (see <see cref="Rows"/>).</summary>
    public SgdSampler(PhaseRetrievalModel model, double noise, long seed, int batch = 1)
    {
        _noise = noise;
        _f = model.PopulationLoss.Student.Value;
        _fPrime = model.PopulationLoss.Student.Derivative;
        _g = model.PopulationLoss.Teacher.Value;
        _normals = new NormalStream(seed);
        var lambda = model.LambdaArray;
        var sqrt = new double[lambda.Length];
        for (int i = 0; i < sqrt.Length; i++) sqrt[i] = Math.Sqrt(lambda[i]);
        // Aligned copies: the SIMD loads never split a cache line, wherever the model's arrays landed.
        _sqrtLambda = VectorKernels.Aligned(sqrt);
        _lambda = VectorKernels.Aligned(lambda);
        _teacher = VectorKernels.Aligned(model.Teacher);
        // Rows padded to 64 bytes, so that every row of a batch starts as aligned as the first.
        _stride = batch == 1 ? lambda.Length : (lambda.Length + 7) & ~7;
        Rows = batch == 1 ? 1 : (int)Math.Clamp(MaxBatchDoubles / _stride, 1, batch);
        _x = VectorKernels.Aligned(new double[(long)_stride * Rows > int.MaxValue ? throw new InvalidParameterException("batch",
            "a batch whose samples fit in one array", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)) : _stride * Rows]);
        _batchSums = batch == 1 ? [] : new Vector<double>[2 * Rows];
        _batchTails = batch == 1 ? [] : new double[2 * Rows];
    }

    /// <summary>How many samples <see cref="DrawBatch"/> holds at once.</summary>
    public int Rows { get; }

    /// <summary>The last sample drawn by <see cref="Draw"/>, x = √λ ∘ z.</summary>
    public ReadOnlySpan<double> X => _x.AsSpan(0, _lambda.Count);

    /// <summary>Finishes w ← w + <paramref name="pending"/>·x (x the previous sample; 0 for none), then draws a fresh x and
    /// returns its sums against the updated w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SampleSums Draw(Span<double> w, double pending)
    {
        int d = w.Length;
        var sqrtLambda = _sqrtLambda.AsSpan();
        var lambda = _lambda.AsSpan();
        var teacher = _teacher.AsSpan();
        var x = _x.AsSpan(0, d);
        var vXw = Vector<double>.Zero;
        var vXt = Vector<double>.Zero;
        var vLw = Vector<double>.Zero;
        var vLx = Vector<double>.Zero;
        var vQx = Vector<double>.Zero;
        var va = new Vector<double>(pending);
        double xwTail = 0, xtTail = 0, lwTail = 0, lxTail = 0, qxTail = 0;
        for (int start = 0; start < d; start += Block)
        {
            int n = Math.Min(Block, d - start);
            var z = _z.AsSpan(0, n);
            _normals.Fill(z);
            int vectors = Vector.IsHardwareAccelerated ? n / Vector<double>.Count : 0;
            if (vectors > 0)
            {
                var rv = MemoryMarshal.Cast<double, Vector<double>>(sqrtLambda.Slice(start, n));
                var lv = MemoryMarshal.Cast<double, Vector<double>>(lambda.Slice(start, n));
                var tv = MemoryMarshal.Cast<double, Vector<double>>(teacher.Slice(start, n));
                var wv = MemoryMarshal.Cast<double, Vector<double>>(w.Slice(start, n));
                var xv = MemoryMarshal.Cast<double, Vector<double>>(x.Slice(start, n));
                var zv = MemoryMarshal.Cast<double, Vector<double>>(z);
                for (int j = 0; j < vectors; j++)
                {
                    var wj = wv[j] + va * xv[j];
                    wv[j] = wj;
                    var xj = rv[j] * zv[j];
                    xv[j] = xj;
                    var tj = tv[j];
                    var lx = lv[j] * xj;
                    vXw += xj * wj;
                    vXt += xj * tj;
                    vLw += lx * wj;
                    vLx += lx * xj;
                    vQx += lx * tj;
                }
            }
            for (int j = vectors * Vector<double>.Count; j < n; j++)
            {
                int i = start + j;
                double wi = w[i] + pending * x[i];
                w[i] = wi;
                double xi = sqrtLambda[i] * z[j];
                x[i] = xi;
                double lx = lambda[i] * xi;
                xwTail += xi * wi;
                xtTail += xi * teacher[i];
                lwTail += lx * wi;
                lxTail += lx * xi;
                qxTail += lx * teacher[i];
            }
        }
        return new SampleSums(Vector.Sum(vXw) + xwTail, Vector.Sum(vXt) + xtTail, Vector.Sum(vLw) + lwTail, Vector.Sum(vLx) + lxTail,
            Vector.Sum(vQx) + qxTail);
    }

    /// <summary>2(f(xᵀw) − y) f′(xᵀw) with y = g(xᵀw*) + σξ, ξ the stream's next normal (drawn only when σ &gt; 0); phase
    /// retrieval: 4((xᵀw)² − y)(xᵀw) to the last bit. NaN or ∞ signals divergence.</summary>
    public double Coefficient(double xw, double xt)
    {
        double y = _g(xt) + (_noise > 0 ? _noise * _normals.NextNormal() : 0);
        return 2 * (_f(xw) - y) * _fPrime(xw);
    }

    /// <summary>w ← w + <paramref name="a"/>·x (x the last sample of <see cref="Draw"/>): the same arithmetic as the pending
    /// update <see cref="Draw"/> finishes, so settling early changes no bit.</summary>
    public void Apply(Span<double> w, double a)
    {
        var x = _x.AsSpan(0, w.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && w.Length >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            var wv = MemoryMarshal.Cast<double, Vector<double>>(w);
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            for (int j = 0; j < wv.Length; j++) wv[j] += va * xv[j];
            i = wv.Length * Vector<double>.Count;
        }
        for (; i < w.Length; i++) w[i] += a * x[i];
    }

    /// <summary>Draws <paramref name="rows"/> ≤ <see cref="Rows"/> samples in one blocked pass (each block of w, √λ, w* is read
    /// once for all of them) and writes their xᵀw and xᵀw*.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DrawBatch(ReadOnlySpan<double> w, int rows, Span<double> xw, Span<double> xt)
    {
        int d = w.Length;
        var sqrtLambda = _sqrtLambda.AsSpan();
        var teacher = _teacher.AsSpan();
        var all = _x.AsSpan();
        var sums = _batchSums.AsSpan(0, 2 * rows);
        var tails = _batchTails.AsSpan(0, 2 * rows);
        sums.Clear();
        tails.Clear();
        for (int start = 0; start < d; start += Block)
        {
            int n = Math.Min(Block, d - start);
            var z = _z.AsSpan(0, n);
            int vectors = Vector.IsHardwareAccelerated ? n / Vector<double>.Count : 0;
            var rv = MemoryMarshal.Cast<double, Vector<double>>(sqrtLambda.Slice(start, n));
            var tv = MemoryMarshal.Cast<double, Vector<double>>(teacher.Slice(start, n));
            var wv = MemoryMarshal.Cast<double, Vector<double>>(w.Slice(start, n));
            for (int b = 0; b < rows; b++)
            {
                _normals.Fill(z);
                var x = all.Slice(b * _stride + start, n);
                var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
                var sw = Vector<double>.Zero;
                var st = Vector<double>.Zero;
                for (int j = 0; j < vectors; j++)
                {
                    var xj = rv[j] * MemoryMarshal.Cast<double, Vector<double>>(z)[j];
                    xv[j] = xj;
                    sw += xj * wv[j];
                    st += xj * tv[j];
                }
                sums[2 * b] += sw;
                sums[2 * b + 1] += st;
                for (int j = vectors * Vector<double>.Count; j < n; j++)
                {
                    double xi = sqrtLambda[start + j] * z[j];
                    x[j] = xi;
                    tails[2 * b] += xi * w[start + j];
                    tails[2 * b + 1] += xi * teacher[start + j];
                }
            }
        }
        for (int b = 0; b < rows; b++)
        {
            xw[b] = Vector.Sum(sums[2 * b]) + tails[2 * b];
            xt[b] = Vector.Sum(sums[2 * b + 1]) + tails[2 * b + 1];
        }
    }

    /// <summary>target ← target + Σ_b a_b x_b over the samples of the last <see cref="DrawBatch"/>, block by block (a block of
    /// the target stays in L1 while every sample is added to it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBatch(Span<double> target, ReadOnlySpan<double> a)
    {
        int d = target.Length;
        var all = _x.AsSpan();
        for (int start = 0; start < d; start += Block)
        {
            int n = Math.Min(Block, d - start);
            var block = target.Slice(start, n);
            int vectors = Vector.IsHardwareAccelerated ? n / Vector<double>.Count : 0;
            var tv = MemoryMarshal.Cast<double, Vector<double>>(block);
            for (int b = 0; b < a.Length; b++)
            {
                var x = all.Slice(b * _stride + start, n);
                var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
                var va = new Vector<double>(a[b]);
                for (int j = 0; j < vectors; j++) tv[j] += va * xv[j];
                for (int j = vectors * Vector<double>.Count; j < n; j++) block[j] += a[b] * x[j];
            }
        }
    }
}
