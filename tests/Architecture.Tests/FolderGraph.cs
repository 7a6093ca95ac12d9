using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The dependency graph between the top-level folders of one assembly, read from its IL: a folder is the
/// namespace segment after the assembly's root namespace, and folder A depends on folder B when any type of A
/// names a type of B (base type, interface, field, property, signature, local, attribute or an instruction's
/// operand). Reading IL rather than <c>using</c> lines sees fully qualified names and extension methods too.
/// </summary>
public sealed class FolderGraph
{
    private readonly Dictionary<string, Dictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private FolderGraph(string rootNamespace) => RootNamespace = rootNamespace;

    /// <summary>The namespace whose next segment names a folder.</summary>
    public string RootNamespace { get; }

    /// <summary>Every folder seen, sorted.</summary>
    public IReadOnlyList<string> Folders =>
        [.. _edges.Keys.Concat(_edges.Values.SelectMany(m => m.Keys)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Reads the graph of the assembly that holds <paramref name="marker"/>.</summary>
    public static FolderGraph Of(Type marker, string rootNamespace)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(marker.Assembly.Location);
        var graph = new FolderGraph(rootNamespace);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            graph.AddType(type);
        }

        return graph;
    }

    /// <summary>
    /// The top-level folders under <paramref name="rootNamespace"/> in the assembly that holds <paramref name="marker"/>
    /// that have folders of their own (a namespace two or more segments below the root), sorted: each is the root of a
    /// sub-graph (<see cref="Of"/> with <c>rootNamespace + "." + folder</c>).
    /// </summary>
    public static IReadOnlyList<string> FoldersWithSubfolders(Type marker, string rootNamespace)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(marker.Assembly.Location);
        return
        [
            .. assembly.MainModule.GetTypes()
                .Where(type => !type.IsNested)
                .Select(type => type.Namespace)
                .Where(ns => ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal))
                .Select(ns => ns[(rootNamespace.Length + 1)..].Split('.'))
                .Where(segments => segments.Length > 1)
                .Select(segments => segments[0])
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>The folders <paramref name="folder"/> depends on.</summary>
    public IReadOnlyCollection<string> DependenciesOf(string folder) =>
        _edges.TryGetValue(folder, out var targets) ? targets.Keys : [];

    /// <summary>A few of the types in <paramref name="from"/> that name a type in <paramref name="to"/>.</summary>
    public IReadOnlyCollection<string> Witnesses(string from, string to) =>
        _edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var why) ? why : [];

    /// <summary>The strongly connected components with more than one folder: each one is a cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles() => StronglyConnected.Components(Folders, DependenciesOf)
        .Where(component => component.Count > 1)
        .ToList();

    /// <summary>One line per folder, "A -> B, C", for test output and the README's picture.</summary>
    public string Describe() => string.Join('\n', Folders.Select(f => $"{f} -> {string.Join(", ", DependenciesOf(f).Order(StringComparer.Ordinal))}"));

    private string? FolderOf(TypeReference? type)
    {
        if (type is null)
        {
            return null;
        }

        while (type.IsNested)
        {
            type = type.DeclaringType;
        }

        var ns = type.Namespace;
        if (ns == RootNamespace)
        {
            return "(root)";
        }

        return ns.StartsWith(RootNamespace + ".", StringComparison.Ordinal)
            ? ns[(RootNamespace.Length + 1)..].Split('.')[0]
            : null;
    }

    private void AddType(TypeDefinition type)
    {
        var from = FolderOf(type);
        if (from is null)
        {
            return;
        }

        var owner = type;
        while (owner.IsNested)
        {
            owner = owner.DeclaringType;
        }

        var name = owner.Name;
        Add(from, type.BaseType, name);
        foreach (var item in type.Interfaces)
        {
            Add(from, item.InterfaceType, name);
        }

        foreach (var attribute in type.CustomAttributes)
        {
            Add(from, attribute.AttributeType, name);
        }

        foreach (var field in type.Fields)
        {
            Add(from, field.FieldType, name);
        }

        foreach (var property in type.Properties)
        {
            Add(from, property.PropertyType, name);
        }

        foreach (var method in type.Methods)
        {
            AddMethod(from, method, name);
        }
    }

    private void AddMethod(string from, MethodDefinition method, string name)
    {
        Add(from, method.ReturnType, name);
        foreach (var parameter in method.Parameters)
        {
            Add(from, parameter.ParameterType, name);
        }

        if (!method.HasBody)
        {
            return;
        }

        foreach (var variable in method.Body.Variables)
        {
            Add(from, variable.VariableType, name);
        }

        foreach (var instruction in method.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case MethodReference called:
                    Add(from, called.DeclaringType, name);
                    Add(from, called.ReturnType, name);
                    if (called is GenericInstanceMethod generic)
                    {
                        foreach (var argument in generic.GenericArguments)
                        {
                            Add(from, argument, name);
                        }
                    }

                    break;
                case FieldReference field:
                    Add(from, field.DeclaringType, name);
                    break;
                case TypeReference referenced:
                    Add(from, referenced, name);
                    break;
                default:
                    break;
            }
        }
    }

    private void Add(string from, TypeReference? to, string witness)
    {
        switch (to)
        {
            case null:
                return;
            case GenericInstanceType generic:
                foreach (var argument in generic.GenericArguments)
                {
                    Add(from, argument, witness);
                }

                Add(from, generic.ElementType, witness);
                return;
            case TypeSpecification specification:
                Add(from, specification.ElementType, witness);
                return;
            default:
                break;
        }

        var target = FolderOf(to);
        if (target is null || target == from)
        {
            return;
        }

        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(target, out var why))
        {
            targets[target] = why = new(StringComparer.Ordinal);
        }

        if (why.Count < 4)
        {
            why.Add($"{witness} uses {to.Name}");
        }
    }
}
