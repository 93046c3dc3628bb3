using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Tests.Integration;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.BadInput;

/// <summary>
/// Every file of corpus/ applied with the real kubectl next to the WaddleBot samples, in one emulator session with
/// the operator running: each is either refused by the CRD schema with an error that names the field, or accepted
/// and reported by the operator as the condition its header states. Meanwhile the samples all converge to Ready.
/// </summary>
public sealed class BadInputCorpusTests(ITestOutputHelper output)
{
    private const string Namespace = "bad-input";
    private const int SampleServices = 19;

    [Fact]
    public async Task The_corpus_has_at_least_forty_cases_each_with_an_outcome()
    {
        var cases = CorpusCase.All();
        Assert.True(cases.Count >= 40, $"{cases.Count} cases");
        Assert.Contains(cases, c => c.IsRejected);
        Assert.Contains(cases, c => !c.IsRejected);
        // Rejected files hold one object, so that the error found for the file is that object's.
        Assert.All(cases.Where(c => c.IsRejected), c => Assert.DoesNotContain("\n---", File.ReadAllText(c.File), StringComparison.Ordinal));
        // docs/reliability.md lists every case with its outcome.
        var reliability = await File.ReadAllTextAsync(Api.RepositoryLayout.PathOf("docs", "reliability.md"));
        Assert.All(cases, c => Assert.Contains($"| `{c.Name}` | {c.Case} |", reliability, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_bad_input_is_refused_with_its_field_or_reported_while_the_samples_converge()
    {
        var cases = CorpusCase.All();
        await using var cluster = await OperatorCluster.StartAsync(output);
        var directory = Directory.CreateTempSubdirectory("waddle-bad-input-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            cluster.Api.WriteKubeconfig(kubeconfig);
            var kubectl = new KubectlProcess(directory, kubeconfig);
            await cluster.ApplySamplesAsync();
            var fixtures = await kubectl.RunAsync("apply", "-f", CorpusCase.Fixtures);
            Assert.True(fixtures.ExitCode == 0, fixtures.ToString());
            await using var running = cluster.StartOperator("bad-input");

            // One kubectl run for the whole corpus: it applies every file and prints one error line per refused object, naming the file.
            var applied = await kubectl.RunAsync("apply", "-f", CorpusCase.Folder);
            output.WriteLine(applied.ToString());
            Assert.NotEqual(0, applied.ExitCode);
            var errorLines = applied.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            var failures = new List<string>();
            foreach (var corpusCase in cases.Where(c => c.IsRejected))
            {
                var errors = errorLines.Where(l => l.Contains($"\"{corpusCase.File}\"", StringComparison.Ordinal)).ToList();
                foreach (var rejection in corpusCase.Rejections)
                {
                    if (!errors.Any(e => e.Contains(rejection.Field, StringComparison.Ordinal) && e.Contains(rejection.Fragment, StringComparison.Ordinal)))
                    {
                        failures.Add($"{corpusCase.Name}: expected an error naming {rejection.Field} with \"{rejection.Fragment}\"; got: {(errors.Count == 0 ? "none (accepted)" : string.Join(" | ", errors))}");
                    }
                }
            }

            foreach (var corpusCase in cases.Where(c => !c.IsRejected))
            {
                var errors = errorLines.Where(l => l.Contains($"\"{corpusCase.File}\"", StringComparison.Ordinal)).ToList();
                if (errors.Count > 0)
                {
                    failures.Add($"{corpusCase.Name}: expected to be accepted; got: {string.Join(" | ", errors)}");
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));

            var expected = cases.SelectMany(c => c.Conditions.Select(condition => (Case: c, Condition: condition))).ToList();
            await OperatorCluster.WaitUntilAsync("every accepted bad input reported as its expected condition", async () =>
            {
                var wrong = new List<string>();
                foreach (var (corpusCase, condition) in expected)
                {
                    var observed = await ConditionAsync(cluster, condition);
                    if (observed is null
                        || observed["status"]?.GetValue<string>() != condition.Status
                        || observed["reason"]?.GetValue<string>() != condition.Reason
                        || string.IsNullOrWhiteSpace(observed["message"]?.GetValue<string>()))
                    {
                        wrong.Add($"{corpusCase.Name}: {condition}: observed {observed?.ToJsonString() ?? "nothing"}");
                    }
                }

                return (wrong.Count == 0, string.Join("\n", wrong));
            });

            // Every other service keeps converging: the samples reach Ready as if the corpus were not there.
            await cluster.WaitForAllReadyAsync(SampleServices);
            await OperatorCluster.WaitUntilAsync("the samples' policy Ready", async () =>
            {
                var policy = await cluster.PolicyAsync();
                var ready = OperatorCluster.Condition(policy, ConditionTypes.Ready);
                return (ready?.Status == "True" && policy.Status?.ObservedGeneration == policy.Metadata.Generation, $"{ready?.Reason}: {ready?.Message}");
            });
            Assert.False(running.EndedOnItsOwn, "the operator stopped");

            // Events about an object whose name is at the length limit still get a valid name.
            var longName = new string('n', 253);
            var events = await cluster.User.EventsV1.ListNamespacedEventAsync(Namespace);
            Assert.Contains(events.Items, e => e.Regarding?.Name == longName && e.Metadata.Name.Length <= 253);

            foreach (var corpusCase in cases)
            {
                output.WriteLine($"| `{corpusCase.Name}` | {corpusCase.Case} | {(corpusCase.IsRejected ? "rejected: " + string.Join("; ", corpusCase.Rejections.Select(r => r.Field)) : string.Join("; ", corpusCase.Conditions))} |");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<JsonObject?> ConditionAsync(OperatorCluster cluster, ExpectedCondition expected)
    {
        var plural = expected.Kind == WaddleService.KindName ? WaddleService.Plural : ObservabilityPolicy.Plural;
        JsonObject obj;
        try
        {
            var element = await cluster.User.CustomObjects.GetNamespacedCustomObjectAsync<System.Text.Json.JsonElement>(
                ApiGroup.Group, ApiGroup.Version, Namespace, plural, expected.Name);
            obj = JsonNode.Parse(element.GetRawText())!.AsObject();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (obj["status"]?["observedGeneration"]?.GetValue<long>() != obj["metadata"]?["generation"]?.GetValue<long>())
        {
            return null;
        }

        return obj["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == expected.Type);
    }
}
