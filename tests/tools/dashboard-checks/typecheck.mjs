// Type-checks Grafana dashboards against Grafana's own TypeScript types (@grafana/schema), with the TypeScript
// compiler: each dashboard becomes an object literal typed as Dashboard, and each panel once more as a literal typed
// with its plugin's options and field config (timeseries, stat, state-timeline), so an unknown field, a missing
// required one or a wrong value fails. The tests run it on every dashboard the operator and the Helm chart render.
//
//   node typecheck.mjs < dashboards.json
//
// Input: a JSON array of {"name": "...", "dashboard": {...}}. Output: a JSON array with one entry per dashboard,
// {"name", "errors": ["panels[3] (timeseries \"Request rate\"): Type '\"lists\"' is not assignable ...", ...]}.
// Exit code 0 when every dashboard type-checks, 1 when one does not (a panel of a type this checker has no types for
// is an error: nothing is passed unchecked), 2 when the input is not JSON.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

// Panel types and the @grafana/schema modules that declare their options and, where the plugin has one, custom field
// config (stat has none: its fieldConfig.defaults.custom stays an open record, as in Panel's default).
const panelTypes = {
  timeseries: { module: "@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen", fieldConfig: true },
  stat: { module: "@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen", fieldConfig: false },
  "state-timeline": { module: "@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen", fieldConfig: true },
};

let input;
try {
  input = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  process.stderr.write(`typecheck.mjs: stdin is not JSON: ${e.message}\n`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "waddle-dashboards-"));
try {
  symlinkSync(join(here, "node_modules"), join(work, "node_modules"), "dir");
  copyFileSync(join(here, "json-of.ts"), join(work, "json-of.ts"));
  const results = [];
  const files = new Map();
  input.forEach(({ name, dashboard }, index) => {
    const errors = [];
    const lines = [
      `import type { Dashboard, Panel, RowPanel } from "@grafana/schema";`,
      `import type { JsonOf } from "./json-of.js";`,
      ...Object.values(panelTypes).map(({ module }, i) => `import type * as p${i} from "${module}";`),
      `type PanelOf<O, F> = JsonOf<Omit<Panel<O, F>, "options"> & { options: O }>;`,
      `export const dashboard: JsonOf<Dashboard> = ${JSON.stringify(dashboard)};`,
    ];
    // Which line holds which part, to name it in the errors.
    const parts = new Map([[lines.length, "dashboard"]]);
    (dashboard?.panels ?? []).forEach((panel, p) => {
      const what = `panels[${p}] (${panel?.type} "${panel?.title}")`;
      const typeIndex = Object.keys(panelTypes).indexOf(panel?.type);
      if (panel?.type === "row") {
        lines.push(`export const panel${p}: JsonOf<RowPanel> = ${JSON.stringify(panel)};`);
      } else if (typeIndex >= 0) {
        const fieldConfig = Object.values(panelTypes)[typeIndex].fieldConfig ? `p${typeIndex}.FieldConfig` : "Record<string, unknown>";
        lines.push(`export const panel${p}: PanelOf<p${typeIndex}.Options, ${fieldConfig}> = ${JSON.stringify(panel)};`);
      } else {
        errors.push(`${what}: no types for panel type ${JSON.stringify(panel?.type)} in this checker`);
        return;
      }
      parts.set(lines.length, what);
    });
    const file = join(work, `dashboard${index}.ts`);
    writeFileSync(file, lines.join("\n") + "\n");
    files.set(file, { parts });
    results.push({ name, errors });
  });

  const program = ts.createProgram([...files.keys()], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  });
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const index = diagnostic.file ? [...files.keys()].indexOf(diagnostic.file.fileName) : -1;
    if (index < 0) {
      results.forEach((r) => r.errors.push(`TypeScript: ${message}`));
      continue;
    }
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
    const part = files.get(diagnostic.file.fileName).parts.get(line) ?? `line ${line}`;
    results[index].errors.push(`${part}: ${message}`);
  }

  process.stdout.write(JSON.stringify(results, null, 2) + "\n");
  process.exitCode = results.every((r) => r.errors.length === 0) ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
