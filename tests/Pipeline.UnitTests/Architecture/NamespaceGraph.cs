using Mono.Cecil;

namespace Pipeline.UnitTests.Architecture;

/// <summary>
/// Which namespace uses which: an edge A → B when a type declared in A names a type declared in B anywhere in its
/// metadata or IL (base type, interfaces, attributes, fields, signatures, locals, catch clauses, instructions).
/// Each edge keeps the type pairs that make it, so a failure says what to move.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _declared = new(StringComparer.Ordinal);

    /// <summary>The namespaces with types: every end of an edge, and those <see cref="Read"/> found without edges.</summary>
    public IReadOnlyCollection<string> Declared => _declared;

    /// <summary>Every edge, in ordinal order.</summary>
    public IEnumerable<(string From, string To)> Edges =>
        _edges.SelectMany(source => source.Value.Keys.Select(target => (source.Key, target)));

    /// <summary>Records that <paramref name="from"/> uses <paramref name="to"/>; an edge to itself is no edge.</summary>
    public void Add(string from, string to, string evidence)
    {
        _declared.Add(from);
        _declared.Add(to);
        if (from == to)
        {
            return;
        }

        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(to, out var pairs))
        {
            targets[to] = pairs = new(StringComparer.Ordinal);
        }

        pairs.Add(evidence);
    }

    /// <summary>The type pairs (<c>User → Used</c>) behind the edge, at most <paramref name="limit"/>.</summary>
    public string Evidence(string from, string to, int limit = 3)
    {
        var pairs = _edges[from][to];
        var shown = string.Join(", ", pairs.Take(limit));
        return pairs.Count > limit ? $"{shown}, … ({pairs.Count} in all)" : shown;
    }

    /// <summary>
    /// The strongly connected components of more than one namespace (Tarjan): every cycle lies inside one of them,
    /// and a graph has a cycle exactly when this list is not empty. Each component is sorted.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLink = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in _edges.TryGetValue(node, out var targets) ? targets.Keys : Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLink[node] = Math.Min(lowLink[node], nextIndex);
                }
            }

            if (lowLink[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    components.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var node in _declared)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }

    /// <summary>
    /// Reads the assemblies' IL and adds an edge for every use of a type whose namespace starts with
    /// <paramref name="prefix"/> by a type whose namespace does too (nested and compiler-generated types count as
    /// their outermost declaring type).
    /// </summary>
    public static NamespaceGraph Read(string prefix, params string[] assemblyPaths)
    {
        var graph = new NamespaceGraph();
        foreach (var path in assemblyPaths)
        {
            using var assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters { ReadSymbols = false });
            foreach (var type in assembly.MainModule.GetTypes())
            {
                var user = Outermost(type);
                if (!user.Namespace.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                graph._declared.Add(user.Namespace);
                foreach (var used in UsedTypes(type))
                {
                    var target = Outermost(used);
                    if (target.Namespace.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        graph.Add(user.Namespace, target.Namespace, $"{user.Name} → {target.Name}");
                    }
                }
            }
        }

        return graph;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static List<TypeReference> UsedTypes(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Named(TypeReference? reference)
        {
            switch (reference)
            {
                case null or GenericParameter:
                    return;
                case GenericInstanceType generic:
                    Named(generic.ElementType);
                    generic.GenericArguments.ToList().ForEach(Named);
                    return;
                case TypeSpecification specification: // arrays, by-ref, pointers, modifiers
                    Named(specification.ElementType);
                    return;
                default:
                    found.Add(reference);
                    return;
            }
        }

        void Attributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Named(attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments.Concat(attribute.Properties.Select(p => p.Argument)))
                {
                    Named(argument.Type);
                    Named(argument.Value as TypeReference);
                }
            }
        }

        void Member(MemberReference? member)
        {
            switch (member)
            {
                case TypeReference reference:
                    Named(reference);
                    break;
                case MethodReference method:
                    Named(method.DeclaringType);
                    Named(method.ReturnType);
                    method.Parameters.ToList().ForEach(parameter => Named(parameter.ParameterType));
                    if (method is GenericInstanceMethod generic)
                    {
                        generic.GenericArguments.ToList().ForEach(Named);
                    }

                    break;
                case FieldReference field:
                    Named(field.DeclaringType);
                    Named(field.FieldType);
                    break;
            }
        }

        Named(type.BaseType);
        type.Interfaces.ToList().ForEach(implemented => Named(implemented.InterfaceType));
        Attributes(type);
        type.GenericParameters.SelectMany(parameter => parameter.Constraints).ToList().ForEach(constraint => Named(constraint.ConstraintType));
        foreach (var field in type.Fields)
        {
            Named(field.FieldType);
            Attributes(field);
        }

        foreach (var property in type.Properties)
        {
            Named(property.PropertyType);
            Attributes(property);
        }

        type.Events.ToList().ForEach(declared => Named(declared.EventType));
        foreach (var method in type.Methods)
        {
            Member(method);
            Attributes(method);
            method.Parameters.ToList().ForEach(Attributes);
            method.GenericParameters.SelectMany(parameter => parameter.Constraints).ToList().ForEach(constraint => Named(constraint.ConstraintType));
            if (!method.HasBody)
            {
                continue;
            }

            method.Body.Variables.ToList().ForEach(variable => Named(variable.VariableType));
            method.Body.ExceptionHandlers.ToList().ForEach(handler => Named(handler.CatchType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case MemberReference member:
                        Member(member);
                        break;
                    case CallSite site:
                        Named(site.ReturnType);
                        site.Parameters.ToList().ForEach(parameter => Named(parameter.ParameterType));
                        break;
                }
            }
        }

        return found;
    }
}
