namespace ELicense.Architecture.Tests;

/// <summary>Tarjan's strongly connected components: a component of more than one node is a cycle.</summary>
public static class StronglyConnected
{
    /// <summary>The components of the graph given by <paramref name="nodes"/> and <paramref name="next"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Components(
        IEnumerable<string> nodes, Func<string, IEnumerable<string>> next)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in next(node))
            {
                if (!index.TryGetValue(target, out var seen))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }

            if (low[node] != index[node])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            component.Sort(StringComparer.Ordinal);
            components.Add(component);
        }

        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
