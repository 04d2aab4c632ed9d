// Validates rendered Kubernetes manifests offline, with no cluster: every object against the
// schema of its kind, Kubernetes' own kinds and the Strimzi, KEDA and Prometheus operator custom
// resources (the kubernetes-models packages, generated from the Kubernetes OpenAPI and from the
// operators' CRDs). Two passes, since each misses what the other catches:
//   1. the packages' JSON Schema validators: types, required fields, enums, patterns, formats;
//   2. TypeScript's type checker over each object as a literal of its kind's interface: unknown
//      (misspelled or misplaced) fields, which the JSON Schemas allow.
// Usage: node validate.mjs <rendered.yaml>...   Exit status 1 on any problem, listed one a line.
import { readFileSync, writeFileSync, unlinkSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

/** The module holding the models of apiVersion, or null for an API this validator does not know. */
function moduleOf(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  if (group === "kafka.strimzi.io") return `@kubernetes-models/strimzi-kafka-operator/${apiVersion}`;
  if (group === "keda.sh") return `@kubernetes-models/keda/${apiVersion}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  if (!group.includes(".") || group.endsWith(".k8s.io")) return `kubernetes-models/${apiVersion}`;
  return null;
}

const problems = [];
const objects = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      problems.push(`${file}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue;
    const where = `${file}: ${object.kind}/${object.metadata?.name}`;
    const spec = typeof object.apiVersion === "string" ? moduleOf(object.apiVersion) : null;
    if (spec == null) {
      problems.push(`${where}: no schema known for apiVersion ${object.apiVersion}`);
      continue;
    }
    let models;
    try {
      models = await import(spec);
    } catch (e) {
      problems.push(`${where}: no schema known for apiVersion ${object.apiVersion} (${e.code ?? e.message})`);
      continue;
    }
    const Model = models[object.kind];
    if (typeof Model !== "function") {
      problems.push(`${where}: no schema known for kind ${object.kind} in ${object.apiVersion}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((d) => `${d.instancePath || "/"} ${d.message}`);
      problems.push(`${where}: ${details.length ? details.join("; ") : e.message}`);
    }
    objects.push({ where, spec, object });
  }
}

// Pass 2: one TypeScript file, one typed constant per object, each on lines of its own so that
// a diagnostic's line tells which object it is about.
const lines = [];
const owner = [];
objects.forEach(({ spec, object }, i) => {
  lines.push(`import type { I${object.kind} as T${i} } from ${JSON.stringify(spec)};`);
  owner.push(null);
});
objects.forEach(({ where, object }, i) => {
  const body = `const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`.split("\n");
  for (const line of body) {
    lines.push(line);
    owner.push(where);
  }
});
const source = join(here, `.check-${process.pid}.ts`);
writeFileSync(source, lines.join("\n") + "\nexport {};\n");
const program = ts.createProgram([source], {
  noEmit: true,
  strict: true,
  noUnusedLocals: false,
  skipLibCheck: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: [],
});
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  if (d.file && d.start !== undefined) {
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const text = d.file.text.split("\n")[line].trim();
    problems.push(`${owner[line] ?? "(imports)"}: ${message} [at ${text}]`);
  } else {
    problems.push(`typescript: ${message}`);
  }
}
// The file sits beside node_modules so that its imports resolve; an interrupted run leaves it
// behind (gitignored).
unlinkSync(source);

for (const p of problems) console.log(p);
console.log(`validated ${objects.length} objects: ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
