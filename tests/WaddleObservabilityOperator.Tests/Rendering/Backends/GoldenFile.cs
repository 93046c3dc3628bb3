namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// Compares rendered text with an expected file under Golden/ next to the tests. Set UPDATE_GOLDEN=1 to rewrite the
/// files from the current output instead (then review the diff).
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "UPDATE_GOLDEN";

    public static void AssertMatches(string fileName, string actual)
    {
        var path = Path.Combine(RepositoryPaths.BackendsTestDirectory, "Golden", fileName);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail(
                $"{fileName} differs from the rendering at line {line + 1}:\n"
                + $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}\n"
                + $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}\n"
                + $"If the change is intended, run the tests with {UpdateVariable}=1 and review the diff.");
        }
    }
}
