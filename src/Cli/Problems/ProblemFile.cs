using System.Text.Json;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Cli.Problems;

/// <summary>A problem file, read, validated and built into the objects that solve it. The schema is documented in
/// docs/problem-files.md; every value is checked with a message naming its field, unknown keys are errors.</summary>
public sealed class ProblemFile
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    private ProblemFile(Spectrum spectrum, PhaseRetrievalModel model, PhaseRetrievalProblem problem, IDirectSimulator simulator, string dynamicsKind,
        string methodKind, HierarchyMethod? hierarchy, VolterraMethod? volterra, OutputSchedule output)
    {
        Volterra = volterra;
        Spectrum = spectrum;
        Model = model;
        Problem = problem;
        Simulator = simulator;
        DynamicsKind = dynamicsKind;
        MethodKind = methodKind;
        Hierarchy = hierarchy;
        Output = output;
    }

    /// <summary>The spectrum.</summary>
    public Spectrum Spectrum { get; }

    /// <summary>Model with its teacher.</summary>
    public PhaseRetrievalModel Model { get; }

    /// <summary>Model, initial weights and horizon.</summary>
    public PhaseRetrievalProblem Problem { get; }

    /// <summary>The simulator chosen by dynamics and method.</summary>
    public IDirectSimulator Simulator { get; }

    /// <summary>"gf", "gd" or "sgd".</summary>
    public string DynamicsKind { get; }

    /// <summary>"direct", "hierarchy" or "volterra".</summary>
    public string MethodKind { get; }

    /// <summary>The closed hierarchy and its options when the method is "hierarchy"; null for direct runs.</summary>
    public HierarchyMethod? Hierarchy { get; }

    /// <summary>The spectral-node reduction when the method is "volterra"; null otherwise.</summary>
    public VolterraMethod? Volterra { get; }

    /// <summary>Output schedule.</summary>
    public OutputSchedule Output { get; }

    /// <summary>Reads a problem file from disk for <paramref name="command"/> (named when the file is a manifold problem,
    /// which only <c>phaseflow run</c> and <c>phaseflow manifold</c> take).</summary>
    /// <exception cref="InputException">The file is missing, malformed or invalid.</exception>
    public static ProblemFile Load(string path, string command = "this command") =>
        ParseFor(ReadText(path), UserText.Name(Path.GetFileName(path)), command);

    /// <summary>The text of a problem file (of either model).</summary>
    /// <exception cref="InputException">The file cannot be read.</exception>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"cannot read problem file {UserText.Quote(path)}: {e.Message}");
        }
    }

    /// <summary>Parses problem-file text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputException">Malformed JSON (with line and column) or an invalid value (with its field).</exception>
    public static ProblemFile Parse(string text, string source = "problem") => ParseFor(text, source, "this command");

    private static ProblemFile ParseFor(string text, string source, string command)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, ParseOptions);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            string reason = e.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd('.', ' ');
            throw new InputException($"{source}: malformed JSON at line {line}, column {column}: {reason}");
        }
        using (doc)
        {
            try
            {
                return Build(new JsonObjectReader(doc.RootElement, ""), command);
            }
            catch (InputException e)
            {
                throw new InputException($"{source}: {e.Message}");
            }
        }
    }

    private static ProblemFile Build(JsonObjectReader root, string command)
    {
        var loss = ReadModel(root, command);
        var spectrum = ReadSpectrum(root.RequireObject("spectrum"));
        var tolerance = root.Object("tolerance");
        double rtol = 1e-6, atol = 1e-9;
        bool atolGiven = false; // without one, gf scales its default atol to the problem (PopulationGradientFlow)
        if (tolerance is not null)
        {
            rtol = tolerance.Double("rtol", rtol);
            atolGiven = tolerance.Has("atol");
            atol = tolerance.Double("atol", atol);
            if (!(rtol > 0 && rtol < 1)) throw JsonObjectReader.Error(tolerance.Child("rtol"), "in (0, 1)", JsonObjectReader.F(rtol), mustBe: true);
            if (!(atol >= 0)) throw JsonObjectReader.Error(tolerance.Child("atol"), ">= 0", JsonObjectReader.F(atol), mustBe: true);
            tolerance.Finish();
        }
        var dynamics = root.RequireObject("dynamics");
        string dynamicsKind = dynamics.Kind("gf", "gd", "sgd");
        IDirectSimulator simulator = dynamicsKind switch
        {
            "gf" => ReadGf(dynamics, rtol, atolGiven ? atol : null),
            "gd" => ReadGd(dynamics),
            _ => ReadSgd(dynamics),
        };
        dynamics.Finish();
        var method = root.Object("method");
        string methodKind = method?.Kind("direct", "hierarchy", "volterra") ?? "direct";
        if (methodKind != "direct" && dynamicsKind != "gf")
            throw new InputException($"{method!.Child("kind")} \"{methodKind}\" reduces gradient flow: dynamics.kind must be \"gf\", got \"{dynamicsKind}\"");
        // A reduction's moments are scaled to order one and its validity checks allow atol: a larger atol makes them vacuous
        // (atol 1e300 let a hierarchy reach s < 0 and an ∞ into summary.json, exit 70). Named here as the file names them.
        if (methodKind != "direct" && tolerance is not null)
        {
            if (!(rtol < 0.1)) throw JsonObjectReader.Error(tolerance.Child("rtol"), $"in (0, 0.1) for method.kind \"{methodKind}\"", JsonObjectReader.F(rtol), mustBe: true);
            if (!(atol < 0.1)) throw JsonObjectReader.Error(tolerance.Child("atol"), $"in [0, 0.1) for method.kind \"{methodKind}\"", JsonObjectReader.F(atol), mustBe: true);
        }
        // Before the teacher and w(0) take their d-vectors: a d that cannot fit is refused with the estimate, not an OOM.
        string dName = spectrum.Kind == SpectrumKind.Values ? "spectrum.values.length" : "spectrum.d";
        root.Build(() =>
        {
            if (methodKind == "direct") SimulationMemory.EnsureFits(simulator, spectrum.Dimension, dName);
            else
            {
                bool compressed = method!.Has("nodes"), distinct = spectrum.Kind is SpectrumKind.PowerLaw or SpectrumKind.Values;
                SimulationMemory.EnsureFits(ReductionMemory.Describe(methodKind, compressed), ReductionMemory.BytesPerDimension(methodKind, compressed, distinct),
                    spectrum.Dimension, dName);
            }
            return 0;
        });
        var teacher = ReadTeacher(root.RequireObject("teacher"), spectrum);
        var init = ReadInit(root.RequireObject("init"), spectrum.Dimension);

        if (methodKind == "hierarchy" && loss is not PhaseRetrievalLoss && loss.Expression is null)
            throw new InputException($"{method!.Child("kind")} \"hierarchy\" is derived from the loss's expression: the model must have polynomial or closed-form links, got f = {loss.Student}, g = {loss.Teacher} ({loss.Method}; run it with method.kind \"direct\")");
        if (simulator is OnlineSgd { Noise: > 0 } sgd && loss.Noise > 0 && sgd.Noise != loss.Noise)
            throw new InputException($"dynamics.noise and model.noise are the same label noise σ: give one, or equal values (got {JsonObjectReader.F(sgd.Noise)} and {JsonObjectReader.F(loss.Noise)})");
        var model = root.Build(() => new PhaseRetrievalModel(spectrum, teacher, loss));
        HierarchyMethod? hierarchy = null;
        VolterraMethod? volterra = null;
        if (method is not null)
        {
            if (methodKind == "hierarchy") hierarchy = ReadHierarchy(method, model, tolerance is null ? null : (rtol, atol));
            else if (methodKind == "volterra") volterra = ReadVolterra(method, tolerance is null ? null : (rtol, atol));
            method.Finish();
        }

        double horizon = root.Double("horizon");
        bool discrete = simulator.Unit == TimeUnit.Steps;
        if (discrete)
        {
            if (!(horizon >= 1 && horizon <= 1L << 50) || horizon != Math.Floor(horizon))
                throw JsonObjectReader.Error("horizon", "a whole number of steps in [1, 2^50] for " + dynamicsKind, JsonObjectReader.F(horizon), mustBe: true);
        }
        else if (!(horizon >= 1e-300 && horizon <= 1e300)) // below, the integrator's steps turn subnormal and stall
            throw JsonObjectReader.Error("horizon", "a time in [1e-300, 1e300]", JsonObjectReader.F(horizon), mustBe: true);

        var output = ReadOutput(root.Object("output"), horizon, discrete);
        root.String("name", null);
        root.Finish();
        var problem = root.Build(() => new PhaseRetrievalProblem(model, init, horizon));
        return new ProblemFile(spectrum, model, problem, simulator, dynamicsKind, methodKind, hierarchy, volterra, output);
    }

    /// <summary>The model: "phaseRetrieval" (the default, f = g = z²), or an object {"kind": "singleIndex", "student": F,
    /// "teacher": G, "noise": σ, "order": n} (links as expressions in z or erf, relu, tanh; see docs/models.md) or
    /// {"kind": "phaseRetrieval", "noise": σ}.</summary>
    private static SingleIndexLoss ReadModel(JsonObjectReader root, string command)
    {
        const string allowed = "\"phaseRetrieval\" (the default), \"manifold\" or an object {\"kind\": \"singleIndex\", \"student\": …, \"teacher\": …}";
        if (root.Get("model") is not { } element) return new PhaseRetrievalLoss();
        if (element.ValueKind == JsonValueKind.String)
        {
            string name = root.String("model", null)!;
            if (name == "phaseRetrieval") return new PhaseRetrievalLoss();
            throw name == "manifold"
                // Only `run` reads manifold files (before this parser); every other command needs a single-index problem.
                ? new InputException($"model is \"manifold\": {command} does not take manifold problems, only phase-retrieval ones (run a manifold problem with phaseflow run)")
                : JsonObjectReader.Error("model", allowed, UserText.Quote(name), mustBe: true);
        }
        if (element.ValueKind != JsonValueKind.Object) throw JsonObjectReader.Error("model", allowed, JsonObjectReader.Describe(element), mustBe: true);
        var r = root.RequireObject("model");
        string kind = r.Kind("singleIndex", "phaseRetrieval");
        double noise = r.Double("noise", 0);
        SingleIndexLoss loss;
        if (kind == "phaseRetrieval") loss = r.Build(() => new PhaseRetrievalLoss(noise));
        else
        {
            string student = r.String("student", null) ?? throw new InputException($"{r.Child("student")} is required (an expression in z, or erf, relu, tanh)");
            string teacher = r.String("teacher", null) ?? throw new InputException($"{r.Child("teacher")} is required (an expression in z, or erf, relu, tanh)");
            int order = r.Int("order", 2, GaussHermiteRule.MaxOrder, QuadratureLoss.DefaultOrder);
            loss = r.Build(() => ModelText.Parse(student, teacher, noise, order));
            // z²/z² is phase retrieval: its hand-written loss gives today's numbers to the bit, and the reductions take it.
            if (loss is PolynomialLoss { IsPhaseRetrieval: true }) loss = new PhaseRetrievalLoss(noise);
        }
        r.Finish();
        return loss;
    }

    private static Spectrum ReadSpectrum(JsonObjectReader r)
    {
        string kind = r.Kind("powerlaw", "isotropic", "spiked", "values");
        Spectrum result = kind switch
        {
            "powerlaw" => ReadPowerLaw(r),
            "isotropic" => ReadIsotropic(r),
            "spiked" => ReadSpiked(r),
            _ => ReadValues(r),
        };
        r.Finish();
        return result;

        static Spectrum ReadPowerLaw(JsonObjectReader r)
        {
            double a = r.Double("a");
            int d = r.Int("d", 1, Spectrum.MaxDimension);
            return r.Build(() => Spectrum.PowerLaw(d, a));
        }
        static Spectrum ReadIsotropic(JsonObjectReader r)
        {
            int d = r.Int("d", 1, Spectrum.MaxDimension);
            double lambda = r.Double("lambda");
            return r.Build(() => Spectrum.Isotropic(d, lambda));
        }
        static Spectrum ReadSpiked(JsonObjectReader r)
        {
            int d = r.Int("d", 3, Spectrum.MaxDimension);
            double signal = r.Double("signal"), spike = r.Double("spike"), bulk = r.Double("bulk");
            return r.Build(() => Spectrum.Spiked(d, signal, spike, bulk));
        }
        static Spectrum ReadValues(JsonObjectReader r)
        {
            var values = r.Doubles("values");
            return r.Build(() => Spectrum.FromValues(values));
        }
    }

    private static double[] ReadTeacher(JsonObjectReader r, Spectrum spectrum)
    {
        string kind = r.Kind("gaussian", "values");
        double[] teacher;
        if (kind == "gaussian")
        {
            int seed = r.Int("seed", 0, int.MaxValue, 1);
            string norm = r.String("normalization", "unitQ")!;
            var normalization = norm switch
            {
                "unitQ" => TeacherNormalization.UnitQ,
                "normd" => TeacherNormalization.NormD,
                _ => throw new InputException($"{r.Child("normalization")} must be \"unitQ\" or \"normd\", got {UserText.Quote(norm)}"),
            };
            teacher = r.Build(() => Teacher.Gaussian(spectrum, seed, normalization));
        }
        else
        {
            var values = r.Doubles("values");
            teacher = r.Build(() => Teacher.FromValues(spectrum, values));
        }
        r.Finish();
        return teacher;
    }

    private static double[] ReadInit(JsonObjectReader r, int d)
    {
        string kind = r.Kind("sphere", "gaussian", "values");
        double[] init;
        if (kind == "sphere")
        {
            int seed = r.Int("seed", 0, int.MaxValue, 2);
            double radius = r.Double("radius", 1);
            init = r.Build(() => Initialization.Sphere(d, seed, radius));
        }
        else if (kind == "gaussian")
        {
            int seed = r.Int("seed", 0, int.MaxValue, 2);
            init = r.Build(() => Initialization.Gaussian(d, seed));
        }
        else
        {
            var values = r.Doubles("values");
            init = r.Build(() => Initialization.FromValues(d, values));
        }
        r.Finish();
        return init;
    }

    private static PopulationGradientFlow ReadGf(JsonObjectReader r, double rtol, double? atol)
    {
        string name = r.String("integrator", "rodas4")!;
        var integrator = name switch
        {
            "rodas4" => GradientFlowIntegrator.Rodas4,
            "dopri5" => GradientFlowIntegrator.DormandPrince54,
            _ => throw new InputException($"{r.Child("integrator")} must be \"rodas4\" or \"dopri5\", got {UserText.Quote(name)}"),
        };
        return r.Build(() => new PopulationGradientFlow(rtol, atol, integrator));
    }

    /// <summary>Reads the hierarchy method's fields.</summary>
    private static HierarchyMethod ReadHierarchy(JsonObjectReader r, PhaseRetrievalModel model, (double Rtol, double Atol)? tolerance)
    {
        int order = r.Int("order", 1, HierarchySystem.MaxOrder);
        string closureName = r.String("closure", "geometric")!;
        double? ratio = r.Has("ratio") ? r.Double("ratio") : null;
        string integratorName = r.String("integrator", "rodas4")!;
        bool recordMoments = r.Bool("recordMoments", false);
        return HierarchyMethod.Create(r.Child, order, closureName, ratio, integratorName, recordMoments, model, tolerance);
    }

    /// <summary>Reads the spectral-node reduction's fields: <c>nodes</c> a count, "auto" (with <c>nodeTolerance</c> and
    /// <c>maxNodes</c>) or omitted.</summary>
    private static VolterraMethod ReadVolterra(JsonObjectReader r, (double Rtol, double Atol)? tolerance)
    {
        bool auto = false;
        int? nodes = null;
        if (r.Get("nodes") is { } given)
        {
            if (given.ValueKind is not (JsonValueKind.Number or JsonValueKind.String) || given.ValueKind == JsonValueKind.String && r.String("nodes", null) != "auto")
                throw JsonObjectReader.Error(r.Child("nodes"), "an integer in [4, 1000000] or \"auto\"", JsonObjectReader.Describe(given), mustBe: true);
            auto = given.ValueKind == JsonValueKind.String;
            if (!auto) nodes = r.Int("nodes", 4, 1_000_000);
        }
        bool estimate = r.Bool("estimateError", true);
        double? margin = r.Has("transitionMargin") ? r.Double("transitionMargin") : null;
        if (margin is { } m && !(m > 0 && m < 2.0 / 3))
            throw JsonObjectReader.Error(r.Child("transitionMargin"), "in (0, 2/3)", JsonObjectReader.F(m), mustBe: true);
        foreach (string key in new[] { "nodeTolerance", "maxNodes" })
            if (!auto && r.Has(key)) throw new InputException($"{r.Child(key)} applies to \"nodes\": \"auto\" only");
        if (!auto) return VolterraMethod.Create(r.Child, nodes, estimate, margin, tolerance);
        if (!estimate) throw new InputException($"{r.Child("estimateError")} cannot be false with \"nodes\": \"auto\" (the error estimate chooses the node count)");
        double? nodeTolerance = r.Has("nodeTolerance") ? r.Double("nodeTolerance") : null;
        int? maxNodes = r.Has("maxNodes") ? r.Int("maxNodes", 1, 1_000_000) : null;
        return VolterraMethod.CreateAuto(r.Child, nodeTolerance, maxNodes, margin, tolerance);
    }

    private static PopulationGradientDescent ReadGd(JsonObjectReader r)
    {
        double eta = r.Double("eta");
        return r.Build(() => new PopulationGradientDescent(eta));
    }

    private static OnlineSgd ReadSgd(JsonObjectReader r)
    {
        double eta = r.Double("eta");
        double noise = r.Double("noise", 0);
        int batch = r.Int("batch", 1, 1 << 20, 1);
        int seed = r.Int("seed", 0, int.MaxValue, 3);
        return r.Build(() => new OnlineSgd(eta, noise, batch, seed));
    }

    private static OutputSchedule ReadOutput(JsonObjectReader? r, double horizon, bool discrete)
    {
        if (r is null)
        {
            double from = discrete ? 1 : Math.Min(0.01, horizon / 1e4);
            // horizon/1e4 underflows to 0 for subnormal horizons: then just the two ends.
            return from > 0 && horizon > from ? OutputSchedule.LogSpaced(60, from, includeInitial: true) : OutputSchedule.At(0, horizon);
        }
        OutputSchedule schedule;
        if (r.Has("times") && r.Has("logSpaced")) throw new InputException($"{r.Path} takes either \"times\" or \"logSpaced\", not both");
        if (r.Has("times"))
        {
            var times = r.Doubles("times");
            schedule = OutputSchedule.At(times);
        }
        else if (r.Has("logSpaced"))
        {
            int count = r.Int("logSpaced", 2, 1_000_000);
            double from = r.Double("from", discrete ? 1 : 0.01);
            bool includeInitial = false;
            if (r.Get("includeInitial") is { } inc)
            {
                if (inc.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw JsonObjectReader.Error(r.Child("includeInitial"), "must be true or false", JsonObjectReader.Describe(inc));
                includeInitial = inc.GetBoolean();
            }
            schedule = OutputSchedule.LogSpaced(count, from, includeInitial);
        }
        else throw new InputException($"{r.Path} needs \"times\" or \"logSpaced\"");
        r.Finish();
        r.Build(() => schedule.Resolve(horizon, discrete));
        return schedule;
    }
}

/// <summary>Memory of the reductions a problem file can ask for, per dimension of the spectrum, model and w(0) included:
/// peak resident memory at d = 2^20 and 2^22 (power law, a = 2), the difference over 3·2^20 (exact nodes 423 B, compressed
/// nodes 177 B, hierarchy K = 4 142 B; direct Rodas4 measured the same way: 242 B against the 285 B it is estimated at).
/// Exact nodes at d = 2^27 reached 20 GB and kept growing before this check. Spectra with a few distinct eigenvalues
/// (isotropic, spiked) have a few nodes: what remains is the model and w(0), ≈ 77 B.</summary>
internal static class ReductionMemory
{
    public static long BytesPerDimension(string method, bool compressedNodes, bool distinctEigenvalues) => method switch
    {
        "volterra" when !distinctEigenvalues => 80,
        "volterra" => compressedNodes ? 180 : 430,
        _ => 150,
    };

    public static string Describe(string method, bool compressedNodes) => method switch
    {
        "volterra" => compressedNodes ? "the compressed spectral nodes" : "the exact spectral nodes (one per distinct eigenvalue; give method.nodes to compress)",
        _ => "the hierarchy (its moments are sums over the d modes)",
    };
}

