using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ELicense.Architecture.Tests;

/// <summary>
/// The audit trail's seam: Auditing sits low (no security, caching or registry types), and its
/// engine-neutral part (the root namespace) names no storage engine, so that a second engine is an
/// addition beside SQLite. The engine is chosen in <see cref="AuditEngine"/> (Auditing.Engines), above both.
/// </summary>
public sealed class AuditingTests
{
    private static readonly string[] EngineNamespaces =
        ["ELicense.Server.Auditing.Sqlite", "Microsoft.Data.Sqlite", "SQLitePCL", "ELicense.Server.Auditing.Postgres", "Npgsql"];

    [Fact]
    public void AuditingFolder_DependsOn_OnlyLowerLayers()
    {
        var graph = FolderGraph.Of(typeof(AuditWriter), "ELicense.Server");

        var above = graph.DependenciesOf("Auditing").Except(["Internal", "Observability", "Postgres"]).ToList();

        Assert.True(above.Count == 0, "Auditing depends on " + string.Join(", ", above.Select(f => $"{f} ({string.Join("; ", graph.Witnesses("Auditing", f))})")));
    }

    [Fact]
    public void EngineNeutralAuditTypes_NameNoStorageEngine()
    {
        using var assembly = AssemblyDefinition.ReadAssembly(typeof(AuditWriter).Assembly.Location);
        var offenders = assembly.MainModule.GetTypes()
            .Where(type => Outermost(type) is { Namespace: "ELicense.Server.Auditing" })
            .SelectMany(type => Named(type).Where(IsEngine).Select(named => $"{Outermost(type).Name} names {named.FullName}"))
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static bool IsEngine(TypeReference type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType;
        }

        return EngineNamespaces.Any(ns => type.Namespace == ns || type.Namespace.StartsWith(ns + ".", StringComparison.Ordinal));
    }

    /// <summary>The types a type names: base, interfaces, fields, signatures, locals and what its code calls or touches.</summary>
    private static IEnumerable<TypeReference> Named(TypeDefinition type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var item in type.Interfaces)
        {
            yield return item.InterfaceType;
        }

        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters)
            {
                yield return parameter.ParameterType;
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var variable in method.Body.Variables)
            {
                yield return variable.VariableType;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case MethodReference called:
                        yield return called.DeclaringType;
                        yield return called.ReturnType;
                        break;
                    case FieldReference touched:
                        yield return touched.DeclaringType;
                        break;
                    case TypeReference named:
                        yield return named;
                        break;
                    default:
                        break;
                }
            }
        }
    }
}
