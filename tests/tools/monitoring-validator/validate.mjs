// Validates monitoring.coreos.com objects with the validators that @kubernetes-models/prometheus-operator generates
// from prometheus-operator's API types (types, enums, patterns, required fields). The tests run it on what the operator
// and the Helm chart render.
//
//   node validate.mjs < objects.json
//
// Input: one JSON value on stdin: an object, an array of objects, or a v1 List. Output: a JSON array with one entry per
// object, {"apiVersion", "kind", "name", "errors": ["spec/endpoints/0/port must be string", ...]}. Exit code 0 when
// every object is valid, 1 when one is not (an object of another API group, or of a kind the package does not know, is
// an error: nothing is passed unchecked), 2 when the input is not JSON.
import { readFileSync } from "node:fs";
import * as v1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as v1alpha1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";
import * as v1beta1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1beta1";

const versions = {
  "monitoring.coreos.com/v1": v1,
  "monitoring.coreos.com/v1alpha1": v1alpha1,
  "monitoring.coreos.com/v1beta1": v1beta1,
};

function modelFor(apiVersion, kind) {
  const model = versions[apiVersion]?.[kind];
  return typeof model === "function" && model.kind === kind && model.apiVersion === apiVersion ? model : undefined;
}

function errorsOf(object) {
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    return ["not an object"];
  }
  const { apiVersion, kind } = object;
  const Model = modelFor(apiVersion, kind);
  if (!Model) {
    return [`${apiVersion}, Kind=${kind} is not a prometheus-operator kind this validator knows`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    // ajv's messages, one per line: "data/spec/endpoints/0/port must be string".
    return String(e.message).split("\n").map((line) => line.replace(/^data\//, "")).filter((line) => line.length > 0);
  }
}

let input;
try {
  input = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  process.stderr.write(`validate.mjs: stdin is not JSON: ${e.message}\n`);
  process.exit(2);
}

const objects = Array.isArray(input) ? input : input?.kind === "List" ? input.items ?? [] : [input];
const results = objects.map((object) => ({
  apiVersion: object?.apiVersion ?? null,
  kind: object?.kind ?? null,
  name: object?.metadata?.name ?? null,
  errors: errorsOf(object),
}));
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
process.exit(results.every((r) => r.errors.length === 0) ? 0 : 1);
