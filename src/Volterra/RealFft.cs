namespace PhaseFlow.Volterra;

/// <summary>Real FFT of power-of-two sizes, in place, in MathNet's packed layout (data[0..M) real in; M + 2 doubles
/// of (re, im) pairs for k = 0 … M/2 out) with no scaling: Inverse(Forward(x)) = M·x. MathNet 5's managed real FFT
/// took 0.55 s at M = 2^21 (12 ns per M log M, allocating each call), which alone broke the 2 s target for
/// N = 2^20; this one is a radix-2 complex FFT of size M/2 on the interleaved pairs plus the usual even/odd split,
/// with twiddles cos/sin-evaluated once per stage length (no recurrences: rounding stays O(ε log M)).</summary>
internal sealed class RealFft
{
    // _twiddles[2(half + j)], [2(half + j) + 1] = cos, −sin of 2πj/(2·half), for half = 1, 2, 4, …, MaxSize/2.
    private readonly double[] _twiddles;

    public RealFft(int maxSize)
    {
        if (maxSize < 2 || (maxSize & (maxSize - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(maxSize));
        MaxSize = maxSize;
        _twiddles = new double[2 * maxSize];
        for (int half = 1; half <= maxSize / 2; half *= 2)
            for (int j = 0; j < half; j++)
            {
                var (sin, cos) = Math.SinCos(Math.PI * j / half);
                _twiddles[2 * (half + j)] = cos;
                _twiddles[2 * (half + j) + 1] = -sin;
            }
    }

    public int MaxSize { get; }

    public void Forward(double[] data, int size)
    {
        int h = size / 2;
        Complex(data, h, inverse: false);
        // X_k = E_k + W^k O_k with E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/(2i), W = e^{−2πi/size}.
        double re0 = data[0], im0 = data[1];
        data[0] = re0 + im0;
        data[1] = 0;
        data[2 * h] = re0 - im0;
        data[2 * h + 1] = 0;
        for (int k = 1; k <= h / 2; k++)
        {
            int a = 2 * k, b = 2 * (h - k);
            double zr = data[a], zi = data[a + 1], yr = data[b], yi = data[b + 1];
            double er = 0.5 * (zr + yr), ei = 0.5 * (zi - yi);
            double or = 0.5 * (zi + yi), oi = -0.5 * (zr - yr);
            double wr = _twiddles[2 * (h + k)], wi = _twiddles[2 * (h + k) + 1];
            double tr = wr * or - wi * oi, ti = wr * oi + wi * or;
            data[a] = er + tr;
            data[a + 1] = ei + ti;
            data[b] = er - tr;
            data[b + 1] = -(ei - ti);
        }
    }

    public void Inverse(double[] data, int size)
    {
        int h = size / 2;
        // 2E_k = X_k + conj X_{h−k}, 2O_k = (X_k − conj X_{h−k}) conj W^k, Z_k = 2E_k + 2i O_k.
        double x0 = data[0], xh = data[2 * h];
        data[0] = x0 + xh;
        data[1] = x0 - xh;
        for (int k = 1; k <= h / 2; k++)
        {
            int a = 2 * k, b = 2 * (h - k);
            double xr = data[a], xi = data[a + 1], yr = data[b], yi = data[b + 1];
            double er = xr + yr, ei = xi - yi;
            double dr = xr - yr, di = xi + yi;
            double wr = _twiddles[2 * (h + k)], wi = -_twiddles[2 * (h + k) + 1];
            double or = wr * dr - wi * di, oi = wr * di + wi * dr;
            // Z_k = E + iO; Z_{h−k} = conj E + i conj O.
            data[a] = er - oi;
            data[a + 1] = ei + or;
            data[b] = er + oi;
            data[b + 1] = -ei + or;
        }
        Complex(data, h, inverse: true);
    }

    /// <summary>In-place unscaled complex FFT of n interleaved values (n a power of two).</summary>
    private void Complex(double[] data, int n, bool inverse)
    {
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j |= bit;
            if (i < j)
            {
                (data[2 * i], data[2 * j]) = (data[2 * j], data[2 * i]);
                (data[2 * i + 1], data[2 * j + 1]) = (data[2 * j + 1], data[2 * i + 1]);
            }
        }
        double sign = inverse ? -1 : 1;
        var tw = _twiddles;
        for (int half = 1; half < n; half *= 2)
        {
            int step = 2 * half;
            for (int start = 0; start < n; start += step)
            {
                for (int j = 0; j < half; j++)
                {
                    double wr = tw[2 * (half + j)], wi = sign * tw[2 * (half + j) + 1];
                    int p = 2 * (start + j), q = p + 2 * half;
                    double qr = data[q], qi = data[q + 1];
                    double tr = wr * qr - wi * qi, ti = wr * qi + wi * qr;
                    double pr = data[p], pi = data[p + 1];
                    data[p] = pr + tr;
                    data[p + 1] = pi + ti;
                    data[q] = pr - tr;
                    data[q + 1] = pi - ti;
                }
            }
        }
    }
}
