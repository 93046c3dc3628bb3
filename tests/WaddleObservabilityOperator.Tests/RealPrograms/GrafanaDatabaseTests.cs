using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using Npgsql;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// Grafana on PostgreSQL, as far as this machine goes without a Grafana binary: a real PostgreSQL with a grafana role and
/// database, the test's Secret holding the URL, the rendered Grafana container's environment resolved as the kubelet
/// resolves it (secretKeyRef values, then <c>$(VAR)</c> references), read the way Grafana reads its [database] section
/// (GF_DATABASE_URL parsed into type, host, name, user and password; ssl_mode) into the libpq connection string Grafana
/// builds for PostgreSQL, and that string connects.
/// </summary>
public sealed partial class GrafanaDatabaseTests
{
    private const string Superuser = "waddle_admin";
    private const string SuperuserPassword = "admin-pw";

    // What a generated password holds: characters a URL must percent-encode.
    private const string GrafanaPassword = "gr@f/ana:50%off";

    [Fact]
    public async Task The_rendered_environment_resolves_to_a_dsn_that_connects_to_postgres()
    {
        var root = Directory.CreateTempSubdirectory("waddle-grafana-db-").FullName;
        UnixModes.Set(root, "755");
        LocalProcess? postgres = null;
        try
        {
            (postgres, var port) = await StartPostgresAsync(root);

            // The user's Secret, as the README says to write it: the password percent-encoded in the URL.
            var secret = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "grafana-db", NamespaceProperty = BackendTestData.Namespace },
                Data = new Dictionary<string, byte[]>
                {
                    ["url"] = Encoding.UTF8.GetBytes($"postgres://grafana:{Uri.EscapeDataString(GrafanaPassword)}@grafana-postgres.db.svc:5432/grafana"),
                },
            };
            var admins = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "grafana-admin" },
                Data = new Dictionary<string, byte[]> { ["admin-user"] = "admin"u8.ToArray(), ["admin-password"] = "a"u8.ToArray() },
            };
            var container = GrafanaContainer(new GrafanaDatabaseSettings(GrafanaDatabaseType.Postgres, new SecretKeyReference { Name = "grafana-db", Key = "url" }, GrafanaDatabaseSslMode.Disable));
            var env = KubeletEnvironment(container, [secret, admins]);

            // The cluster's Service address, here the local server.
            var dsn = GrafanaPostgresConnectionString(env).Replace("host=grafana-postgres.db.svc port=5432", $"host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
            Assert.Contains("sslmode=disable", dsn, StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(ToNpgsql(dsn));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select 1, current_user, current_database()", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(1, reader.GetInt32(0));
            Assert.Equal("grafana", reader.GetString(1));
            Assert.Equal("grafana", reader.GetString(2));
        }
        finally
        {
            postgres?.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_password_in_the_secret_does_not_connect()
    {
        // The control: the same path with the Secret's password wrong is refused by the server.
        var root = Directory.CreateTempSubdirectory("waddle-grafana-db-").FullName;
        UnixModes.Set(root, "755");
        LocalProcess? postgres = null;
        try
        {
            (postgres, var port) = await StartPostgresAsync(root);
            var secret = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "grafana-db" },
                Data = new Dictionary<string, byte[]> { ["url"] = Encoding.UTF8.GetBytes($"postgres://{Superuser}:wrong@db:5432/postgres") },
            };
            var admins = new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "grafana-admin" },
                Data = new Dictionary<string, byte[]> { ["admin-user"] = "admin"u8.ToArray(), ["admin-password"] = "a"u8.ToArray() },
            };
            var container = GrafanaContainer(new GrafanaDatabaseSettings(GrafanaDatabaseType.Postgres, new SecretKeyReference { Name = "grafana-db", Key = "url" }, GrafanaDatabaseSslMode.Disable));
            var dsn = GrafanaPostgresConnectionString(KubeletEnvironment(container, [secret, admins]))
                .Replace("host=db port=5432", $"host=127.0.0.1 port={port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(ToNpgsql(dsn));
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
            Assert.Equal("28P01", refused.SqlState);
        }
        finally
        {
            postgres?.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The server, once it answers queries, with the role and database a DBA makes for Grafana.</summary>
    private static async Task<(LocalProcess, int)> StartPostgresAsync(string root)
    {
        var (postgres, port) = await LocalServers.StartPostgresAsync(root, Superuser, SuperuserPassword);
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = SuperuserPassword,
            Database = "postgres",
            SslMode = SslMode.Disable,
            Pooling = false,
        }.ConnectionString;
        // The port accepts connections while the server still recovers ("the database system is starting up").
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var admin = new NpgsqlConnection(connectionString);
                await admin.OpenAsync();
                await Execute(admin, $"create role grafana login password '{GrafanaPassword}'");
                await Execute(admin, "create database grafana owner grafana");
                return (postgres, port);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow && attempt < 300)
            {
                await Task.Delay(100);
            }
        }
    }

    private static V1Container GrafanaContainer(GrafanaDatabaseSettings database)
    {
        var policy = BackendTestData.Policy(grafana: BackendTestData.Grafana() with { Database = database, Replicas = 2 });
        var deployment = Assert.Single(GrafanaComponent.Instance.Render(policy, []).OfType<V1Deployment>());
        return Assert.Single(deployment.Spec.Template.Spec.Containers);
    }

    /// <summary>
    /// The container's environment as the kubelet makes it: each entry in order, a secretKeyRef read from the Secret (a
    /// missing key stops the container), a value with <c>$(VAR)</c> replaced by an earlier entry (<c>$$</c> is a literal
    /// <c>$</c>; an unknown reference stays as written).
    /// </summary>
    internal static Dictionary<string, string> KubeletEnvironment(V1Container container, IReadOnlyList<V1Secret> secrets)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } reference)
            {
                var secret = secrets.SingleOrDefault(s => s.Metadata.Name == reference.Name) ?? throw new InvalidOperationException($"{variable.Name}: secret \"{reference.Name}\" not found");
                env[variable.Name] = secret.Data.TryGetValue(reference.Key, out var bytes)
                    ? Encoding.UTF8.GetString(bytes)
                    : throw new InvalidOperationException($"{variable.Name}: couldn't find key {reference.Key} in Secret {reference.Name}");
            }
            else
            {
                Assert.Null(variable.ValueFrom);
                env[variable.Name] = VariableReference().Replace(variable.Value ?? "", m =>
                    m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            }
        }

        return env;
    }

    /// <summary>
    /// Grafana's [database] section from GF_DATABASE_*: the URL wins and gives type (its scheme), host, name (the first
    /// path segment), user and password (URL-decoded); then the libpq keyword string Grafana opens PostgreSQL with
    /// (host and port split, 5432 by default; empty values as ''; the password last).
    /// </summary>
    internal static string GrafanaPostgresConnectionString(IReadOnlyDictionary<string, string> env)
    {
        var url = new Uri(env["GF_DATABASE_URL"]);
        Assert.Equal("postgres", url.Scheme);
        Assert.Equal(env["GF_DATABASE_TYPE"], url.Scheme);
        var userInfo = url.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "";
        var name = url.AbsolutePath.Split('/', StringSplitOptions.None) is { Length: > 1 } segments ? Uri.UnescapeDataString(segments[1]) : "";
        var port = url.IsDefaultPort || url.Port < 0 ? "5432" : url.Port.ToString(CultureInfo.InvariantCulture);
        var sslMode = env.GetValueOrDefault("GF_DATABASE_SSL_MODE", "disable");
        string[] values = [user, url.Host, port, name, sslMode];
        var quoted = values.Select(v => v.Length == 0 ? "''" : v).ToList();
        var dsn = $"user={quoted[0]} host={quoted[1]} port={quoted[2]} dbname={quoted[3]} sslmode={quoted[4]} sslcert='' sslkey='' sslrootcert=''";
        return password.Length == 0 ? dsn : $"{dsn} password={password}";
    }

    /// <summary>A libpq keyword string (unquoted values, or '' for empty) as Npgsql's connection string.</summary>
    private static string ToNpgsql(string libpq)
    {
        var pairs = libpq.Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1] == "''" ? "" : p[1], StringComparer.Ordinal);
        return new NpgsqlConnectionStringBuilder
        {
            Host = pairs["host"],
            Port = int.Parse(pairs["port"], CultureInfo.InvariantCulture),
            Database = pairs["dbname"],
            Username = pairs["user"],
            Password = pairs.GetValueOrDefault("password"),
            SslMode = pairs["sslmode"] switch
            {
                "disable" => SslMode.Disable,
                "require" => SslMode.Require,
                "verify-full" => SslMode.VerifyFull,
                var other => throw new InvalidOperationException($"sslmode {other}"),
            },
        }.ConnectionString;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();
}
