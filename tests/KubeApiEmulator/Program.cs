namespace KubeApiEmulator;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("not built yet");
        return 1;
    }
}
