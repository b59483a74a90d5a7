namespace Monitoring.Cli;

/// <summary>Rows of text written as columns, each padded to its widest cell; the last column is not padded.</summary>
internal sealed class TextTable
{
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] header) => _rows.Add(header);

    public void Add(params string[] cells)
    {
        if (cells.Length != _rows[0].Length)
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {_rows[0].Length} columns", nameof(cells));
        _rows.Add(cells);
    }

    public void WriteTo(TextWriter w)
    {
        int columns = _rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(i => _rows.Max(r => r[i].Length)).ToArray();
        foreach (var r in _rows)
            w.WriteLine(string.Join("  ", r.Select((cell, i) => i == columns - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }
}
