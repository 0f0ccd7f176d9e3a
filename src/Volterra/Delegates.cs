namespace PhaseFlow.Volterra;

/// <summary>The forcing f(t) of u(t) = f(t) + ∫_0^t k(t, τ, u(τ)) dτ; writes f(t) into <paramref name="f"/> (length n).</summary>
public delegate void VolterraForcing(double t, Span<double> f);

/// <summary>The nonlinearity G(τ, u) of a convolution or exponential-sum kernel; writes G into <paramref name="g"/> (length n).</summary>
public delegate void VolterraNonlinearity(double t, ReadOnlySpan<double> u, Span<double> g);

/// <summary>The Jacobian ∂G/∂u of a nonlinearity, written n×n row-major (row = component of G).</summary>
public delegate void VolterraNonlinearityJacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian);

/// <summary>A general kernel k(t, τ, u); writes k into <paramref name="k"/> (length n). Called only with τ ≤ t.</summary>
public delegate void GeneralKernelFunction(double t, double tau, ReadOnlySpan<double> u, Span<double> k);

/// <summary>The Jacobian ∂k(t, τ, u)/∂u of a general kernel, written n×n row-major. The solver calls it with τ = t.</summary>
public delegate void GeneralKernelJacobian(double t, double tau, ReadOnlySpan<double> u, Span<double> jacobian);

/// <summary>A matrix convolution kernel K(x) for x ≥ 0, written n×n row-major.</summary>
public delegate void MatrixKernelFunction(double x, Span<double> k);
