namespace PhaseFlow.Core;

/// <summary>What kind of fact a <see cref="SimulationNote"/> reports.</summary>
public enum SimulationNoteKind
{
    /// <summary>w(0) = 0 where the gradient vanishes (for GF and GD when P_u(0, 0, s*) = 0, for online SGD when also f′(0) = 0;
    /// phase retrieval: always), so nothing moves.</summary>
    StartedAtFixedPoint,

    /// <summary>u(0) = 0 with w(0) ⟂ Q^k w* for every k (the overlap with w* vanishes within each eigenspace of Q) and a
    /// student or teacher link that is even (so P_u(s, 0, s*) = 2E[f′]E[g′] vanishes): population GF and GD keep every
    /// u^(k) = 0, so the alignment never grows (phase retrieval: s tends at best to the saddle s*/3).</summary>
    AlignmentInvariant,
}

/// <summary>A fact about a run that is correct but probably not what was meant, such as a start on an invariant set.</summary>
/// <param name="Kind">What the note says, for programs.</param>
/// <param name="Message">The same in words, for people.</param>
public sealed record SimulationNote(SimulationNoteKind Kind, string Message)
{
    /// <summary>The notes a start implies: a start at the fixed point w = 0, or (for population dynamics, not
    /// <paramref name="stochastic"/> online SGD, whose noise leaves the set) on the invariant set u = 0.</summary>
    public static IReadOnlyList<SimulationNote> ForStart(PhaseRetrievalProblem problem, bool stochastic)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var w = problem.InitialWeights;
        bool zero = true;
        foreach (double x in w) zero &= x == 0; // == so that −0 counts as zero
        var model = problem.Model;
        var loss = model.PopulationLoss;
        if (zero && loss.EscapeDrive(model.SStar) == 0 && (!stochastic || loss.Student.Derivative(0) == 0))
            return [new(SimulationNoteKind.StartedAtFixedPoint,
                "started at the fixed point w = 0, where the gradient vanishes: nothing moves (s = u = 0 to the horizon); start elsewhere to learn")];
        if (zero || stochastic || model.Statistics(w).U != 0 || !(loss.Student.IsEven || loss.Teacher.IsEven)) return [];
        // u̇ involves u^(2) = wᵀQ²w*, so u = 0 is invariant only if the overlap vanishes within every eigenspace of Q.
        var teacher = model.Teacher;
        var lambda = model.Lambda;
        var overlaps = new Dictionary<double, double>();
        for (int i = 0; i < w.Length; i++)
            overlaps[lambda[i]] = overlaps.GetValueOrDefault(lambda[i]) + w[i] * teacher[i];
        if (overlaps.Values.Any(v => v != 0)) return [];
        return [new(SimulationNoteKind.AlignmentInvariant,
            "started with u = 0 and w(0) orthogonal to w* within every eigenspace of Q: population GF and GD keep u = 0 for ever, " +
            (model.IsPhaseRetrieval ? "so the alignment never grows (s tends at best to the saddle s*/3); perturb w(0) to learn"
                : "so the alignment never grows; perturb w(0) to learn"))];
    }
}
