namespace Pipeline.Scheduler.Duplicates;

/// <summary>Disjoint sets over row ids (path halving, union by size); only ids seen in a pair are stored.</summary>
internal sealed class UnionFind
{
    private readonly Dictionary<long, long> _parent = [];
    private readonly Dictionary<long, int> _size = [];

    public void Union(long a, long b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra == rb)
        {
            return;
        }

        if (_size[ra] < _size[rb])
        {
            (ra, rb) = (rb, ra);
        }

        _parent[rb] = ra;
        _size[ra] += _size[rb];
    }

    public long Find(long x)
    {
        if (!_parent.TryGetValue(x, out var parent))
        {
            _parent[x] = x;
            _size[x] = 1;
            return x;
        }

        while (parent != x)
        {
            var grandparent = _parent[_parent[x]];
            _parent[x] = grandparent;
            x = grandparent;
            parent = _parent[x];
        }

        return x;
    }

    /// <summary>Every set of two or more ids, each sorted, as lists keyed by their root.</summary>
    public IReadOnlyDictionary<long, List<long>> Sets()
    {
        var sets = new Dictionary<long, List<long>>();
        foreach (var id in _parent.Keys.ToList())
        {
            var root = Find(id);
            if (!sets.TryGetValue(root, out var members))
            {
                sets[root] = members = [];
            }

            members.Add(id);
        }

        foreach (var members in sets.Values)
        {
            members.Sort();
        }

        return sets;
    }
}
