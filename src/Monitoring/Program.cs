namespace Monitoring;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("monitoring: skeleton");
        return 0;
    }
}
