using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PhaseFlow.Tests.Shared;

/// <summary>The library-wide sharing guarantee (issue 13): a solver, problem or model shared by concurrent solves gives each
/// solve bit for bit what it gives alone, and no public static can be written.</summary>
public static class Sharing
{
    public const int Solves = 64, Threads = 4;

    /// <summary>Runs <paramref name="solve"/>(k) for k &lt; 64 sequentially, then on 4 threads (Parallel.For), and asserts
    /// that every number of every run is bit-identical. The closure must capture the one shared instance under test.</summary>
    public static void AssertConcurrentSolvesMatch(string name, Func<int, double[]> solve, int solves = Solves)
    {
        var sequential = Enumerable.Range(0, solves).Select(solve).ToArray();
        var concurrent = new double[solves][];
        var failures = new Exception?[solves];
        Parallel.For(0, solves, new ParallelOptions { MaxDegreeOfParallelism = Threads }, k =>
        {
            try { concurrent[k] = solve(k); }
            catch (Exception e) { failures[k] = e; }
        });
        for (int k = 0; k < solves; k++)
        {
            if (failures[k] is { } e) throw new Xunit.Sdk.XunitException($"{name}, solve {k} failed when shared: {e}");
            var (s, c) = (sequential[k], concurrent[k]);
            if (s.Length != c.Length) throw new Xunit.Sdk.XunitException($"{name}, solve {k}: {s.Length} numbers alone, {c.Length} shared");
            for (int i = 0; i < s.Length; i++)
                if (BitConverter.DoubleToInt64Bits(s[i]) != BitConverter.DoubleToInt64Bits(c[i]))
                    throw new Xunit.Sdk.XunitException($"{name}, solve {k}, number {i}: {s[i]:R} alone, {c[i]:R} shared");
        }
    }

    /// <summary>Every public static field or property of the assembly's public types is read-only and holds nothing a
    /// caller can write: no arrays or writable collections (not even behind a read-only interface, which a cast undoes),
    /// and no object with public setters or writable fields.</summary>
    public static void AssertNoWritableStatics(Assembly assembly) => AssertNoWritableStatics(assembly.GetExportedTypes());

    /// <summary>The same audit of the given types.</summary>
    public static void AssertNoWritableStatics(IEnumerable<Type> types)
    {
        var problems = new List<string>();
        const BindingFlags Statics = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        {
            if (type.ContainsGenericParameters) continue;
            foreach (var field in type.GetFields(Statics))
            {
                string where = $"{type.Name}.{field.Name}";
                if (field.IsLiteral) continue;
                if (!field.IsInitOnly) problems.Add($"{where} is a writable static field");
                else CheckValue(where, field.GetValue(null), problems);
            }
            foreach (var property in type.GetProperties(Statics))
            {
                string where = $"{type.Name}.{property.Name}";
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true }) continue;
                if (property.SetMethod is { IsPublic: true }) problems.Add($"{where} has a public static setter");
                CheckValue(where, property.GetValue(null), problems);
            }
        }
        if (problems.Count > 0) throw new Xunit.Sdk.XunitException(string.Join("\n", problems));
    }

    /// <summary>The public instance surface of a shareable configuration type (solver, model, problem, options) has no
    /// public fields, no setters other than init, and no array-typed properties.</summary>
    public static void AssertImmutableSurface(params Type[] types)
    {
        var problems = new List<string>();
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.Instance;
        foreach (var type in types)
        {
            foreach (var field in type.GetFields(Instance)) problems.Add($"{type.Name}.{field.Name} is a public field");
            foreach (var property in type.GetProperties(Instance))
            {
                if (property.SetMethod is { IsPublic: true } setter &&
                    !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
                    problems.Add($"{type.Name}.{property.Name} has a public setter");
                if (MentionsArray(property.PropertyType)) problems.Add($"{type.Name}.{property.Name} is typed {property.PropertyType}");
            }
        }
        if (problems.Count > 0) throw new Xunit.Sdk.XunitException(string.Join("\n", problems));
    }

    private static bool MentionsArray(Type type) => type.IsArray || (type.IsGenericType && type.GetGenericArguments().Any(MentionsArray));

    /// <summary>Asserts that a collection a shared object exposes cannot be written through a cast.</summary>
    public static void AssertReadOnlyView(string where, object? view)
    {
        var problems = new List<string>();
        CheckValue(where, view, problems);
        if (problems.Count > 0) throw new Xunit.Sdk.XunitException(string.Join("\n", problems));
    }

    private static void CheckValue(string where, object? value, List<string> problems)
    {
        switch (value)
        {
            case null or string or Delegate: return;
            case Array: problems.Add($"{where} is an array ({value.GetType()})"); return;
            case IList { IsReadOnly: false }: problems.Add($"{where} is a writable list ({value.GetType()})"); return;
            case IDictionary { IsReadOnly: false }: problems.Add($"{where} is a writable dictionary ({value.GetType()})"); return;
            case IEnumerable items:
                foreach (var item in items) CheckValue($"{where}[…]", item, problems);
                return;
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum) return;
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.Instance;
        if (type.IsValueType)
        {
            // A struct is handed out as a copy: only what its fields reference is shared.
            foreach (var field in type.GetFields(Instance))
                if (!field.FieldType.IsValueType) CheckValue($"{where}.{field.Name}", field.GetValue(value), problems);
            return;
        }
        foreach (var field in type.GetFields(Instance))
            if (!field.IsInitOnly) problems.Add($"{where}.{field.Name} is a writable field of a shared {type.Name}");
        foreach (var property in type.GetProperties(Instance))
        {
            if (property.SetMethod is { IsPublic: true } setter &&
                !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
                problems.Add($"{where}.{property.Name} has a public setter on a shared {type.Name}");
        }
    }
}
