// The invariants every lint run must keep, whatever the input: shared by the corpus stress run
// (bench/corpus/run.mjs) and the property-based robustness tests (test/robustness).
// Deliberately independent of the linter's own position code: lines are counted here again.

const decoder = new TextDecoder();

/** Folders the linter never reads (dependencies, VCS, build output). */
const SKIPPED = /(^|\/)(node_modules|\.git|dist|build|out|coverage|\.aws-sam|cdk\.out|\.[^/]*)\//;

/** Files read as what their name says: an unreadable one must be a `parse-error`. */
export function claimsToBeConfig(rel) {
  // The two build outputs that are read: `sls package` output and a CDK cloud assembly's manifest.
  if (/(^|\/)\.serverless\/cloudformation-template-update-stack\.json$/.test(rel) || /(^|\/)cdk\.out\/manifest\.json$/.test(rel)) {
    return !SKIPPED.test(rel.replace(/(^|\/)(\.serverless|cdk\.out)\/[^/]+$/, ''));
  }
  if (SKIPPED.test(rel)) return false;
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return /^serverless\.ya?ml$/.test(name) || /^template\.(ya?ml|json)$/.test(name) || /\.template\.json$/.test(name);
}

/** The text the linter sees: UTF-8 decoded with replacement characters, byte order mark removed. */
export function textOf(content) {
  return typeof content === 'string' ? decoder.decode(new TextEncoder().encode(content)) : decoder.decode(content);
}

function bytesOf(content) {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

/** Line lengths without terminators; `\r\n`, `\r` and `\n` each end a line, as editors count them. */
export function lineLengths(text) {
  const out = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      out.push(i - start);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  out.push(text.length - start);
  return out;
}

/** Why `loc` is not a valid range of a text with these line lengths ({@link lineLengths}), or undefined when it is. */
export function rangeProblem(loc, lens) {
  const { line, column, endLine, endColumn } = loc;
  const ints = [line, column, endLine, endColumn].every((n) => Number.isInteger(n));
  if (!ints) return 'not integers';
  if (line < 1 || line > lens.length) return `line ${line} outside 1..${lens.length}`;
  if (endLine < line || endLine > lens.length) return `end line ${endLine} outside ${line}..${lens.length}`;
  if (column < 1 || column > lens[line - 1] + 1) return `column ${column} outside 1..${lens[line - 1] + 1}`;
  if (endColumn < 1 || endColumn > lens[endLine - 1] + 1) return `end column ${endColumn} outside 1..${lens[endLine - 1] + 1}`;
  if (endLine === line && endColumn < column) return `end ${endLine}:${endColumn} before start ${line}:${column}`;
  return undefined;
}

/**
 * Whether an independent reader would refuse the file: binary, empty, over the size limit,
 * invalid JSON (JSON.parse), or YAML with errors (`yamlErrors`, from the `yaml` package).
 */
export function unreadableReason(rel, content, { maxBytes = 5 * 1024 * 1024, yamlErrors } = {}) {
  const bytes = bytesOf(content);
  if (bytes.length > maxBytes) return 'over the size limit';
  if (bytes.indexOf(0) >= 0) return 'binary';
  const text = textOf(content);
  if (text.trim() === '') return 'empty';
  if (rel.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch {
      return 'invalid JSON';
    }
  } else if (yamlErrors && yamlErrors(text) > 0) {
    return 'invalid YAML';
  }
  return undefined;
}

const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

/**
 * The invariants of one lint run over an in-memory project (`files`: paths relative to `root`).
 * Returns a list of problems; an empty list means the run is sound.
 */
export function checkRun(files, result, { root = '/project', maxBytes, yamlErrors } = {}) {
  const problems = [];
  for (const e of result.internalErrors ?? []) problems.push(`internal error in rule ${e.ruleId}: ${e.message}`);
  const lengths = new Map();
  const lensOf = (rel) => {
    if (!lengths.has(rel)) lengths.set(rel, lineLengths(textOf(files[rel])));
    return lengths.get(rel);
  };
  const checkLoc = (what, loc) => {
    if (!loc || typeof loc.file !== 'string' || !loc.file.startsWith(root + '/')) {
      problems.push(`${what}: file ${loc?.file} is not in the project`);
      return;
    }
    const rel = loc.file.slice(root.length + 1);
    if (!(rel in files)) {
      problems.push(`${what}: file ${rel} does not exist`);
      return;
    }
    const why = rangeProblem(loc, lensOf(rel));
    if (why) problems.push(`${what}: ${rel}:${loc.line}:${loc.column}-${loc.endLine}:${loc.endColumn} ${why}`);
  };
  for (const f of result.findings) {
    const what = `${f.ruleId} "${f.message.slice(0, 120)}"`;
    checkLoc(what, f.loc);
    for (const r of f.related ?? []) checkLoc(`${what} related`, r.loc);
    if (STACK_FRAME.test(f.message)) problems.push(`${what}: message holds a stack trace`);
  }
  for (const rel of Object.keys(files)) {
    if (!claimsToBeConfig(rel)) continue;
    const reason = unreadableReason(rel, files[rel], { maxBytes, yamlErrors });
    if (!reason) continue;
    const file = `${root}/${rel}`;
    if (!result.findings.some((f) => f.ruleId === 'parse-error' && f.loc.file === file)) problems.push(`${rel} is ${reason} but has no parse-error`);
  }
  return problems;
}
