namespace WaddleObservabilityOperator;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: WaddleObservabilityOperator run|render|crds");
        return args.Length == 0 ? 2 : 2;
    }
}
