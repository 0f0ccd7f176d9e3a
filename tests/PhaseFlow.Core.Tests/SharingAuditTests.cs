using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Core.Tests;

/// <summary>The static audit every module's tests run (tests/Shared/Sharing.cs) catches each kind of writable static.</summary>
public class SharingAuditTests
{
    [Fact]
    public void AuditFindsEveryKindOfWritableStatic()
    {
        var e = Assert.ThrowsAny<Exception>(() => Sharing.AssertNoWritableStatics([typeof(WritableStatics)]));
        foreach (string name in new[] { "Field", "Table", "Cache", "View", "Settings.Tolerance", "Mutable.Value", "Nested[…]" })
            Assert.Contains($"WritableStatics.{name}", e.Message, StringComparison.Ordinal);
        Sharing.AssertNoWritableStatics([typeof(ReadOnlyStatics)]);
    }

    [Fact]
    public void SurfaceAuditFindsSettersFieldsAndArrays()
    {
        var e = Assert.ThrowsAny<Exception>(() => Sharing.AssertImmutableSurface(typeof(Options), typeof(MutableBox), typeof(WithArray)));
        foreach (string name in new[] { "Options.Tolerance", "MutableBox.Value", "WithArray.Values" })
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Sharing.AssertImmutableSurface(typeof(Frozen));
    }

    public sealed class WithArray
    {
        public double[] Values { get; } = [1];
    }

    public static class WritableStatics
    {
        public static double Field = 1;
        public static readonly double[] Table = [1];
        public static List<int> Cache { get; } = [];
        public static IReadOnlyList<double> View { get; } = new double[] { 1 };
        public static Options Settings { get; } = new();
        public static MutableBox Mutable { get; } = new();
        public static IReadOnlyList<double[]> Nested { get; } = [new double[] { 1 }];
    }

    public static class ReadOnlyStatics
    {
        public const double Constant = 1;
        public static readonly IReadOnlyList<double> View = [1, 2];
        public static (double A, double B) Pair => (1, 2);
        public static Frozen Record { get; } = new(1);
        public static string Name => "name";
    }

    public sealed class Options
    {
        public double Tolerance { get; set; }
    }

    public sealed class MutableBox
    {
        public double Value;
    }

    public sealed record Frozen(double Value);
}
