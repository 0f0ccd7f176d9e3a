namespace PhaseFlow.Foundation.Tests;

/// <summary>The shared parameter checks: the boundaries they draw and the message each gives (the CLI prints it as is).</summary>
public class GuardTests
{
    [Theory]
    [InlineData(0.05, true)]
    [InlineData(1e-300, true)]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(-1.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void BetweenIsStrictOnBothSides(double value, bool allowed)
    {
        var e = Record.Exception(() => Guard.Between(value, 0, 0.1, "rtol", "(0, 0.1)"));
        if (allowed) Assert.Null(e);
        else
        {
            var error = Assert.IsType<InvalidParameterException>(e);
            Assert.Equal("rtol", error.Parameter);
            Assert.Equal($"rtol must be in (0, 0.1), got {InvalidParameterException.Format(value)}", error.Message);
        }
    }

    [Fact]
    public void AtLeastNamesTheBound()
    {
        Guard.AtLeast(1, 1, "maxSteps");
        var error = Assert.Throws<InvalidParameterException>(() => Guard.AtLeast(0, 1, "maxSteps"));
        Assert.Equal("maxSteps must be >= 1, got 0", error.Message);
        Assert.Equal("maxSteps must be >= -3, got -4", Assert.Throws<InvalidParameterException>(() => Guard.AtLeast(-4, -3, "maxSteps")).Message);
    }

    [Fact]
    public void PositiveAndNonNegativeRefuseInfinityAndNaN()
    {
        Assert.Equal($"horizon must be finite and > 0, got {InvalidParameterException.Format(double.PositiveInfinity)}",
            Assert.Throws<InvalidParameterException>(() => Guard.Positive(double.PositiveInfinity, "horizon")).Message);
        Assert.Equal("atol must be finite and >= 0, got NaN",
            Assert.Throws<InvalidParameterException>(() => Guard.NonNegative(double.NaN, "atol")).Message);
        Guard.NonNegative(0, "atol");
    }
}
