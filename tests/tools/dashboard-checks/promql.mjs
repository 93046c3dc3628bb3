// Reads PromQL expressions with Prometheus's own grammar (@prometheus-io/lezer-promql, the parser of Prometheus's web
// UI) and lists the metric names each one selects, so the tests can check that a dashboard reads only metrics the
// system exposes. Syntax is promtool's to judge; this reports the grammar's error nodes too, as a second opinion.
//
//   node promql.mjs < expressions.json
//
// Input: a JSON array of strings. Output: a JSON array with one entry per expression, {"expr", "metrics": [...],
// "errors": [...]}, where a selector without a metric name ({__name__=~"..."}) is an error: its metrics cannot be
// known. Exit code 0 when every expression parsed, 1 when one did not, 2 when the input is not JSON.
import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";

let input;
try {
  input = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  process.stderr.write(`promql.mjs: stdin is not JSON: ${e.message}\n`);
  process.exit(2);
}

const results = input.map((expr) => {
  const metrics = new Set();
  const errors = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(`syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
      } else if (node.name === "VectorSelector") {
        const name = node.node.getChild("Identifier");
        if (name) {
          metrics.add(expr.slice(name.from, name.to));
        } else {
          errors.push(`a selector without a metric name at ${node.from}`);
        }
      }
    },
  });
  return { expr, metrics: [...metrics].sort(), errors };
});
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
process.exitCode = results.every((r) => r.errors.length === 0) ? 0 : 1;
