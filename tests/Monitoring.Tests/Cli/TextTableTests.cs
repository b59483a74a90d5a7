using Monitoring.Cli;

namespace Monitoring.Tests.Cli;

public class TextTableTests
{
    [Fact]
    public void Columns_are_padded_to_their_widest_cell_except_the_last_and_lines_are_trimmed()
    {
        var table = new TextTable("NAME", "N", "NOTE");
        table.Add("ops", "12", "");
        table.Add("a-longer-name", "3", "not configured");
        var w = new StringWriter { NewLine = "\n" };
        table.WriteTo(w);
        Assert.Equal(
            "NAME           N   NOTE\n" +
            "ops            12\n" +
            "a-longer-name  3   not configured\n", w.ToString());
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_refused()
    {
        var table = new TextTable("A", "B");
        Assert.Throws<ArgumentException>(() => table.Add("only one"));
    }
}
