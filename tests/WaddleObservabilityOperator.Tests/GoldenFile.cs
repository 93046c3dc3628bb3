namespace WaddleObservabilityOperator.Tests;

/// <summary>
/// Compares output with a committed file. <c>UPDATE_GOLDEN=1</c> (the project's one switch for every golden test)
/// rewrites the file from the current output instead; then review the diff.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "UPDATE_GOLDEN";

    public static void AssertMatches(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with {UpdateVariable}=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }

        Assert.Fail(
            $"{path} differs from the output at line {line + 1}:\n"
            + $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n"
            + $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}\n"
            + $"If the change is intended, run the tests with {UpdateVariable}=1 and review the diff.");
    }
}
