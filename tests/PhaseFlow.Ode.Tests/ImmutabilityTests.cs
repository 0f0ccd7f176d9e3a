using System.Collections;
using System.Reflection;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Ode.Tests;

/// <summary>The shared configurations (tableaus, solvers, Jacobian solvers) expose nothing writable: a caller cannot
/// degrade every later solve by writing into a coefficient.</summary>
public class ImmutabilityTests
{
    private static readonly Type[] SharedTypes =
    [
        typeof(ExplicitRungeKuttaTableau), typeof(RosenbrockTableau), typeof(ExplicitRungeKutta), typeof(DormandPrince853),
        typeof(Rosenbrock), typeof(DenseJacobianSolver), typeof(DiagonalLowRankJacobianSolver),
    ];

    public static TheoryData<string> SharedTypeNames() => [.. SharedTypes.Select(t => t.Name)];

    /// <summary>True when the type is an array or is built from one (e.g. IReadOnlyList&lt;double[]&gt;).</summary>
    private static bool MentionsArray(Type type) =>
        type.IsArray || (type.IsGenericType && type.GetGenericArguments().Any(MentionsArray));

    [Theory]
    [MemberData(nameof(SharedTypeNames))]
    public void PublicSurfaceHasNoSettersFieldsOrArrays(string typeName)
    {
        var type = SharedTypes.Single(t => t.Name == typeName);
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
        Assert.Empty(type.GetFields(Public));
        foreach (var property in type.GetProperties(Public))
        {
            Assert.True(property.SetMethod is null || !property.SetMethod.IsPublic, $"{type.Name}.{property.Name} has a public setter");
            Assert.False(MentionsArray(property.PropertyType), $"{type.Name}.{property.Name} is typed {property.PropertyType}");
        }
    }

    public static TheoryData<string> Tableaus() => ["DormandPrince54", "Tsitouras54", "ClassicalRungeKutta4", "Euler"];

    [Theory]
    [MemberData(nameof(Tableaus))]
    public void StaticTableausCannotBeWrittenThroughTheirViews(string name)
    {
        var tableau = (ExplicitRungeKuttaTableau)typeof(ExplicitRungeKuttaTableau).GetProperty(name)!.GetValue(null)!;
        // The views are read-only collections, not arrays behind an interface: a cast does not give write access.
        var views = new List<object> { tableau.C, tableau.A, tableau.B };
        if (tableau.ErrorWeights is { } e) views.Add(e);
        views.AddRange(tableau.A);
        foreach (var view in views)
        {
            Assert.IsNotType<double[]>(view, exactMatch: false);
            Assert.True(view is IList { IsReadOnly: true }, $"{name}: a {view.GetType()} view is writable");
        }
    }

    [Theory]
    [InlineData("Rodas4")]
    [InlineData("Rodas5P")]
    public void StaticRosenbrockTableausCannotBeWrittenThroughTheirViews(string name)
    {
        var tableau = (RosenbrockTableau)typeof(RosenbrockTableau).GetProperty(name)!.GetValue(null)!;
        var views = new List<object> { tableau.C, tableau.D, tableau.A, tableau.Coupling, tableau.B, tableau.BHat, tableau.Dense };
        views.AddRange(tableau.A);
        views.AddRange(tableau.Coupling);
        views.AddRange(tableau.Dense);
        foreach (var view in views) Sharing.AssertReadOnlyView($"{name} view", view);
    }

    [Fact]
    public void TableauCopiesItsArguments()
    {
        double[] c = [0, 1], b = [0.5, 0.5];
        double[][] a = [[], [1.0]];
        var heun = new ExplicitRungeKuttaTableau("Heun", 2, 0, c, a, b, null, firstSameAsLast: false, null, 0);
        var problem = new OdeProblem((_, y, dy) => dy[0] = -y[0], 0, [1.0], 1);
        var before = new ExplicitRungeKutta(heun).Solve(problem, new OdeOptions { FixedStep = 0.1 }).Y[0];
        a[1][0] = 0;
        b[0] = 1;
        c[1] = 0;
        Assert.Equal(1.0, heun.A[1][0]);
        Assert.Equal(0.5, heun.B[0]);
        Assert.Equal(before, new ExplicitRungeKutta(heun).Solve(problem, new OdeOptions { FixedStep = 0.1 }).Y[0]);
    }

    /// <summary>The library-wide audit (tests/Shared/Sharing.cs) over every public type of PhaseFlow.Ode.</summary>
    [Fact]
    public void NoPublicStaticOfTheAssemblyIsWritable() => Sharing.AssertNoWritableStatics(typeof(OdeProblem).Assembly);

    /// <summary>Options copy the lists they are given: a caller writing into its array later does not change options that
    /// concurrent solves share (nor slip past their validation).</summary>
    [Fact]
    public void OptionsCopyTheirLists()
    {
        double[] times = [1, 2], rtols = [1e-6, 1e-6], atols = [1e-9, 1e-9];
        var events = new[] { new OdeEvent("zero", (_, y) => y[0]) };
        var options = new OdeOptions { OutputTimes = times, RelativeTolerances = rtols, AbsoluteTolerances = atols, Events = events };
        times[0] = rtols[0] = atols[0] = -1;
        events[0] = null!;
        Assert.Equal([1.0, 2.0], options.OutputTimes);
        Assert.Equal(1e-6, options.RelativeTolerances![0]);
        Assert.Equal(1e-9, options.AbsoluteTolerances![0]);
        Assert.NotNull(options.Events[0]);
        foreach (var view in new object[] { options.OutputTimes, options.RelativeTolerances, options.AbsoluteTolerances, options.Events })
            Sharing.AssertReadOnlyView("OdeOptions list", view);
    }
}
